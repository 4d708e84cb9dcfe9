/**
 * The batch replay queue (issue 19): one job per slice of a batch-mode replay, run by the worker's batch
 * executor. Jobs carry ids only: the replay, its destination, the slice's key and its deliveries.
 */
// The braces are a Redis Cluster hash tag: every key of the queue in one slot, as BullMQ's scripts need.
export const BATCH_REPLAY_QUEUE = '{batch-replay}';

export interface BatchReplayJobData {
  replayId: string;
  destinationId: string;
  /** Stable for a page of the walk (from its starting cursor), so a page enqueued twice is one job. */
  slice: string;
  deliveryIds: string[];
}

export function batchReplayJobId(replayId: string, slice: string): string {
  return `r${replayId}-s${slice}`;
}

export const BATCH_REPLAY_JOB_OPTIONS = {
  attempts: 20,
  backoff: { type: 'exponential', delay: 2000 },
  removeOnComplete: { age: 3600, count: 10000 },
  removeOnFail: { age: 24 * 3600, count: 1000 },
} as const;
