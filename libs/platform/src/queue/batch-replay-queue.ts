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
  /**
   * The earliest and latest logged_at of the slice's deliveries (ISO 8601): bounds the worker's claim to the partitions
   * they are in. Absent from jobs of older versions and from those the slice recovery adds again (claimed over every
   * partition then).
   */
  loggedAtRange?: [string, string];
}

/**
 * The slice's job id; a slice run again after its job completed or failed for good (see the replay runner's slice
 * recovery) gets the next generation, since BullMQ keeps one job per id while the finished one is retained.
 */
export function batchReplayJobId(replayId: string, slice: string, generation = 0): string {
  return generation === 0 ? `r${replayId}-s${slice}` : `r${replayId}-s${slice}-g${generation}`;
}

export const BATCH_REPLAY_JOB_OPTIONS = {
  attempts: 20,
  backoff: { type: 'exponential', delay: 2000 },
  removeOnComplete: { age: 3600, count: 10000 },
  removeOnFail: { age: 24 * 3600, count: 1000 },
  // As for delivery jobs: no stack trace per failed run in Redis (the slice's record holds why).
  stackTraceLimit: 0,
} as const;

/** The claim token of a slice's deliveries: the runner's page takes them with it, the slice's runs go on with it. */
export function batchSliceClaimToken(replayId: string, slice: string): string {
  return `batch-replay:${replayId}:${slice}`;
}

/**
 * How long the runner's page claims a slice's deliveries for (ms): a slice that starts within the worker's own
 * lease of this (BATCH_REPLAY_CLAIM_LEASE_MS, default 30 min) finds them claimed and writes nothing to claim them.
 */
export const BATCH_SLICE_PAGE_CLAIM_MS = 60 * 60_000;
