import type { LoadedDelivery } from '@fsd/delivery-data';

/**
 * A delivery has one retry timer: the BullMQ backoff of the job named in the row's `retry_job`. A job of the
 * same delivery that runs meanwhile (a replay, a redrive, the auto job) and ends `retrying` takes the timer over;
 * the earlier holder's retry, if it still fires, is superseded and ends without sending.
 *
 * - `superseded`: a retry of this job (it failed before) while another job holds the timer: nothing to do.
 * - `continuing`: a retry of the job that holds the timer: the episode goes on (a replay job's retry is not a
 *   new replay, so the attempt cap and the retry window hold).
 * - `first`: this job's first run (or a row from before the timer had a holder): as its trigger says.
 */
export type TimerRole = 'superseded' | 'continuing' | 'first';

export function timerRole(
  job: { id: string; attemptsMade: number },
  delivery: Pick<LoadedDelivery, 'status' | 'retryJob'>,
): TimerRole {
  if (job.attemptsMade === 0 || delivery.retryJob == null) return 'first';
  if (delivery.retryJob !== job.id) return 'superseded';
  return delivery.status === 'retrying' ? 'continuing' : 'first';
}

/** The timer another job holds, which this run's recorded outcome makes obsolete (removed from the queue). */
export function obsoleteTimer(jobId: string, delivery: Pick<LoadedDelivery, 'retryJob'>): string | null {
  return delivery.retryJob != null && delivery.retryJob !== jobId ? delivery.retryJob : null;
}
