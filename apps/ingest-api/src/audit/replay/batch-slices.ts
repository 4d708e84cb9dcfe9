import { createHash } from 'crypto';
import { BATCH_REPLAY_JOB_OPTIONS, BATCH_REPLAY_QUEUE, BatchReplayJobData, batchReplayJobId } from '@fsd/platform';
import { QueueRegistry } from '../../core/queue/queue-registry.service';
import { ReplaySliceRepository } from './replay-slices.repository';

/**
 * A page of a batch-mode replay's walk becomes one slice job for the worker's batch executor. The slice's key
 * comes from the cursor the page started at: a page claimed again after a crash (the cursor had not moved yet)
 * is the same slice, and BullMQ keeps one job per id.
 */
export function sliceKey(startCursor: string | null): string {
  return createHash('sha256')
    .update(startCursor ?? 'start')
    .digest('hex')
    .slice(0, 24);
}

/**
 * Remembers the slice in Postgres, then adds its job: a slice whose job Redis loses, or that fails for good, is
 * found by the slice recovery (its deliveries are skipped by the outbox relay).
 */
export async function enqueueBatchSlice(
  slices: ReplaySliceRepository,
  queues: QueueRegistry,
  replay: { id: string; destination_id: string; cursor: string | null },
  deliveryIds: string[],
  loggedAts: string[],
): Promise<void> {
  const slice = sliceKey(replay.cursor);
  await slices.recordSlice(replay.id, slice, deliveryIds);
  await addSliceJob(
    queues,
    {
      replayId: replay.id,
      destinationId: replay.destination_id,
      slice,
      deliveryIds,
      loggedAtRange: timeRange(loggedAts),
    },
    0,
  );
}

/** The earliest and latest of ISO 8601 times of one form (toISOString's), which sort as text; none: undefined. */
export function timeRange(times: string[]): [string, string] | undefined {
  if (times.length === 0) return undefined;
  let [lo, hi] = [times[0], times[0]];
  for (const t of times) {
    if (t < lo) lo = t;
    if (t > hi) hi = t;
  }
  return [lo, hi];
}

export async function addSliceJob(queues: QueueRegistry, data: BatchReplayJobData, generation: number): Promise<void> {
  await queues.byName(BATCH_REPLAY_QUEUE).add('slice', data, {
    ...BATCH_REPLAY_JOB_OPTIONS,
    jobId: batchReplayJobId(data.replayId, data.slice, generation),
  });
}
