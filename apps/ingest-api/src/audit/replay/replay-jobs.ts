/** Job identity of replay jobs (in libs/platform: the worker names a replay group's members by it too). */
export { replayJobSuffix } from '@fsd/platform';

/** A redrive job added when the delivery's failed job is no longer in BullMQ: `d<deliveryId>-rd<timestamp>`. */
export function redriveJobSuffix(at: number): string {
  return `-rd${at}`;
}
