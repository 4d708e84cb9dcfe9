import type { AttemptTrigger, DeliveryJobData } from '@fsd/platform';
import type { Episode } from './decision.types';
import type { LoadedDelivery } from '@fsd/delivery-data';

/**
 * Which run this job is: null when there is nothing to do (already delivered or skipped, unless replayed).
 * A replay or a redrive (of a failed delivery) starts a new episode: a fresh retry budget. A retry of the job
 * holding the delivery's retry timer (`continuing`, retry-timer.ts) continues its episode, whatever started it.
 */
export function startEpisode(
  delivery: Pick<LoadedDelivery, 'status' | 'lastAttemptNumber' | 'episodeRuns' | 'episodeStartedAt'>,
  jobTrigger: DeliveryJobData['trigger'],
  now: Date,
  continuing = false,
): Episode | null {
  const replay = jobTrigger === 'replay' && !(continuing && delivery.status === 'retrying');
  if (!replay && (delivery.status === 'delivered' || delivery.status === 'skipped')) return null;
  const trigger: AttemptTrigger = replay
    ? 'replay'
    : delivery.status === 'failed' || (jobTrigger === 'redrive' && !continuing)
      ? 'redrive'
      : delivery.lastAttemptNumber > 0
        ? 'retry'
        : 'auto';
  const isNew = trigger === 'replay' || trigger === 'redrive';
  return {
    attemptNumber: delivery.lastAttemptNumber + 1,
    trigger,
    isNew,
    runNumber: isNew ? 1 : delivery.episodeRuns + 1,
    startedAt: isNew ? now : delivery.episodeStartedAt,
  };
}
