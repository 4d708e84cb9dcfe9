/** Job identity of replay jobs: `d<deliveryId>-r<replayId>`, beside the delivery's own `d<deliveryId>`. */
export function replayJobSuffix(replayId: string): string {
  return `-r${replayId}`;
}

/** A redrive job added when the delivery's failed job is no longer in BullMQ: `d<deliveryId>-rd<timestamp>`. */
export function redriveJobSuffix(at: number): string {
  return `-rd${at}`;
}
