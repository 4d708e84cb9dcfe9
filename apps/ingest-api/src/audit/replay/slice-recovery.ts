/**
 * What the slice recovery does with an open slice of a batch-mode replay, from its deliveries and its job in
 * BullMQ. Pure: the service gathers the facts and carries the decision out.
 */
export type SliceJobState =
  'waiting' | 'active' | 'delayed' | 'prioritized' | 'waiting-children' | 'completed' | 'failed' | 'unknown';

export interface SliceFacts {
  /** Its deliveries still pending or retrying (and not taken over by a later replay). */
  open: number;
  /** The state of its current generation's job; 'unknown' when Redis no longer has it. */
  job: SliceJobState | string;
  generation: number;
  maxGenerations: number;
  /** The replay's status: a failed replay's slices stop before their next job (the batch executor's gate). */
  replayStatus: string;
}

export type SliceDecision =
  /** Nothing left open: the slice is done. */
  | { do: 'settle' }
  /** Its job is queued or running: leave it. */
  | { do: 'wait' }
  /** The job is gone (Redis lost it): add it again under the same id (idempotent). */
  | { do: 'readd' }
  /** The job finished (failed for good, or left deliveries another run held) with deliveries open: run it again. */
  | { do: 'rerun'; why: string }
  /** Run too often: end its open deliveries failed, with the reason in their state change. */
  | { do: 'give-up'; why: string };

export function decideSlice(f: SliceFacts): SliceDecision {
  if (f.open === 0) return { do: 'settle' };
  if (f.job === 'unknown') return { do: 'readd' };
  if (f.job !== 'completed' && f.job !== 'failed') return { do: 'wait' };
  if (f.replayStatus === 'failed') return { do: 'give-up', why: 'the replay failed before the slice ended' };
  const why = f.job === 'failed' ? 'its job failed after all its attempts' : 'its job ended with deliveries unsent';
  if (f.generation + 1 >= f.maxGenerations) return { do: 'give-up', why: `${why}, ${f.generation + 1} times` };
  return { do: 'rerun', why };
}
