import { createHash } from 'crypto';

export type BatchKind = 'users' | 'events';

/** What names one batch job of a replay: the replay, its slice, the retry round, the kind and the chunk. */
export interface BatchJobName {
  replayId: string;
  /** The slice's key (batchReplayJobId's). */
  slice: string;
  /** 0 for the first job of the items; each retry of transiently failed items is a later round. */
  round: number;
  kind: BatchKind;
  chunk: number;
}

/**
 * The Idempotency-Key of a batch job's creation: derived from the replay and the batch, so a creation
 * re-sent after a crash, a timeout or a 5xx gets the job FullStory already has instead of a second one.
 */
export function batchIdempotencyKey(name: BatchJobName): string {
  return createHash('sha256')
    .update(`batch\u0000${name.replayId}\u0000${name.slice}\u0000${name.round}\u0000${name.kind}\u0000${name.chunk}`)
    .digest('hex');
}

/** The path of a batch endpoint (fullstory-api.md §3.12). */
export function batchPath(kind: BatchKind, jobId?: string, tail?: 'imports' | 'errors'): string {
  const base = `/v2/${kind}/batch`;
  if (jobId === undefined) return base;
  return `${base}/${encodeURIComponent(jobId)}${tail === undefined ? '' : `/${tail}`}`;
}
