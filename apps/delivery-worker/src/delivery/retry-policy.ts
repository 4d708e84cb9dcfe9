import { Classification, V1_NOT_IDENTIFIED_REASON, classifyError, classifyResponse } from '@fsd/fullstory-contracts';
import { JOB_BACKOFF_TYPE } from '@fsd/platform';
import type { DeliverySettings } from '../config/worker.config';
import { RetryableDeliveryError } from './delivery-errors';
import type { SendResult } from './decision.types';

/**
 * The retry policy, in one place: which answers are retried, how long to wait, when to give up, and how a
 * destination's queue slows down on 429. The status table of FullStory's answers is the API contract's
 * (`classifyResponse` in libs/fullstory-contracts); what the worker does with them is decided here.
 */

export const IDEMPOTENCY_IN_FLIGHT_REASON =
  'HTTP 409 Conflict: an earlier attempt with this Idempotency-Key is still running';

/**
 * Classifies what came back for one request. On top of the contract's table, what only the worker knows: a 409
 * to a request that carried an Idempotency-Key means an earlier attempt of the same request (one that timed out,
 * or whose worker died) is still being processed by FullStory. That is not a permanent failure: retrying later
 * replays its result.
 */
export function classifySend(
  sent: Pick<SendResult, 'sub' | 'response' | 'error'>,
  settings: Pick<DeliverySettings, 'retryV1NotFound'>,
): Classification {
  if (!sent.response) return classifyError(sent.error);
  const classification = classifyResponse(sent.response, {
    url: sent.sub.request.url,
    retryV1NotFound: settings.retryV1NotFound,
  });
  if (sent.response.status === 409 && sent.sub.idempotencyKey !== undefined && classification.outcome === 'permanent') {
    return { outcome: 'retry', errorClass: 'http_4xx', reason: IDEMPOTENCY_IN_FLIGHT_REASON };
  }
  return classification;
}

/**
 * Exponential backoff with full jitter (AWS's "full jitter": a uniform delay in [0, min(cap, base·2^n)]),
 * never shorter than FullStory's Retry-After (itself capped).
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

export type GiveUpReason = 'attempt cap reached' | 'retry window exceeded' | 'not-identified window exceeded';

/** Whether a retryable failure may still be retried, given how long and how often this episode has tried. */
export function shouldGiveUp(
  runNumber: number,
  episodeStartedAt: Date,
  settings: Pick<DeliverySettings, 'maxAttempts' | 'retryWindowHours' | 'v1NotFoundRetryMinutes'>,
  classification: Classification,
  now = Date.now(),
): GiveUpReason | null {
  if (runNumber >= settings.maxAttempts) return 'attempt cap reached';
  if (now - episodeStartedAt.getTime() > settings.retryWindowHours * 3600_000) return 'retry window exceeded';
  const notIdentified = classification.reason === V1_NOT_IDENTIFIED_REASON;
  if (notIdentified && now - episodeStartedAt.getTime() > settings.v1NotFoundRetryMinutes * 60_000) {
    return 'not-identified window exceeded';
  }
  return null;
}

/**
 * A destination's concurrency after a job (AIMD): halved while FullStory answers 429, when the queue is also
 * paused for the delay the outcome chose (so the job goes back without using an attempt); one more per
 * delivery, up to the configured concurrency.
 */
export function throttleAfter(
  outcome: { status: string; rateLimitedForMs?: number },
  concurrency: number,
  maxConcurrency: number,
): { concurrency: number; pauseMs: number | null } {
  if (outcome.rateLimitedForMs !== undefined) {
    return { concurrency: Math.max(1, Math.floor(concurrency / 2)), pauseMs: Math.max(1, outcome.rateLimitedForMs) };
  }
  if (outcome.status === 'delivered' && concurrency < maxConcurrency)
    return { concurrency: concurrency + 1, pauseMs: null };
  return { concurrency, pauseMs: null };
}

/** BullMQ's delay before a failed job runs again: the delay this policy chose, or 1 s for anything unforeseen. */
export function jobBackoffMs(type: string | undefined, err: Error | undefined): number {
  return type === JOB_BACKOFF_TYPE && err instanceof RetryableDeliveryError ? err.delayMs : 1000;
}
