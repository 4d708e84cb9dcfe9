import { Classification, V1_NOT_IDENTIFIED_REASON } from '@fsd/fullstory-contracts';
import type { DeliverySettings } from '../config/worker.config';

/**
 * The retry policy, in one place. Exponential backoff with full jitter (AWS's "full jitter":
 * a uniform delay in [0, min(cap, base·2^n)]), never shorter than FullStory's Retry-After.
 */
export function backoffDelayMs(
  attemptsMade: number,
  settings: Pick<DeliverySettings, 'backoffBaseMs' | 'backoffMaxMs' | 'retryAfterCapSeconds'>,
  retryAfterMs?: number,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(settings.backoffMaxMs, settings.backoffBaseMs * 2 ** Math.max(0, attemptsMade - 1));
  const jittered = Math.floor(random() * ceiling);
  if (retryAfterMs !== undefined) {
    const honoured = Math.min(retryAfterMs, settings.retryAfterCapSeconds * 1000);
    return Math.max(honoured, jittered);
  }
  return jittered;
}

export const IDEMPOTENCY_IN_FLIGHT_REASON =
  'HTTP 409 Conflict: an earlier attempt with this Idempotency-Key is still running';

/**
 * Adjusts the response classification for what only the worker knows: a 409 to a request that carried an
 * Idempotency-Key means an earlier attempt of the same request (one that timed out, or whose worker died) is
 * still being processed by FullStory. That is not a permanent failure: retrying later replays its result.
 */
export function retryClassification(
  classification: Classification,
  status: number | undefined,
  idempotencyKey: string | undefined,
): Classification {
  if (status === 409 && idempotencyKey !== undefined && classification.outcome === 'permanent') {
    return { outcome: 'retry', errorClass: 'http_4xx', reason: IDEMPOTENCY_IN_FLIGHT_REASON };
  }
  return classification;
}

export type GiveUpReason = 'attempt cap reached' | 'retry window exceeded' | 'not-identified window exceeded';

/** Whether a retryable failure may still be retried, given how long and how often we have tried. */
export function shouldGiveUp(
  attemptNumber: number,
  firstSeen: Date,
  settings: Pick<DeliverySettings, 'maxAttempts' | 'retryWindowHours' | 'v1NotFoundRetryMinutes'>,
  classification: Classification,
  now = Date.now(),
): GiveUpReason | null {
  if (attemptNumber >= settings.maxAttempts) return 'attempt cap reached';
  if (now - firstSeen.getTime() > settings.retryWindowHours * 3600_000) return 'retry window exceeded';
  const notIdentified = classification.reason === V1_NOT_IDENTIFIED_REASON;
  if (notIdentified && now - firstSeen.getTime() > settings.v1NotFoundRetryMinutes * 60_000) {
    return 'not-identified window exceeded';
  }
  return null;
}
