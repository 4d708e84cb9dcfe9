import { messageOf } from '@fsd/platform';
import { attemptRow, type AttemptRecord } from '@fsd/delivery-data';
import type { Classification } from '@fsd/fullstory-contracts';
import type { DeliverySettings } from '../config/worker.config';
import { requestColumns, responseColumns } from './attempt-recorder';
import type { Episode, Outcome, SendResult } from './decision.types';
import { GiveUpReason, backoffDelayMs, classifySend, shouldGiveUp } from './retry-policy';

export interface OutcomeInput {
  sent: SendResult[];
  /** Rows of subscriptions that failed before a request (see planDelivery); recorded first. */
  validationFailures: AttemptRecord[];
  /** A permanent failure earlier in this episode: the delivery can end failed or retrying, never delivered. */
  failedEarlier: string | null;
  episode: Episode;
  settings: Pick<
    DeliverySettings,
    | 'retryV1NotFound'
    | 'maxAttempts'
    | 'retryWindowHours'
    | 'v1NotFoundRetryMinutes'
    | 'backoffBaseMs'
    | 'backoffMaxMs'
    | 'retryAfterCapSeconds'
  >;
  now: Date;
  /** The jitter's source (tests fix it). */
  random?: () => number;
}

/**
 * Decides how a run ends from what came back: delivered when every request succeeded (and nothing failed
 * permanently in the episode); retrying at T when any request may be retried and the episode has budget left
 * (the others' outcomes are kept: they are not sent again); otherwise failed.
 */
export function decideOutcome(input: OutcomeInput): Outcome {
  const { episode, settings, now } = input;
  const classified = input.sent.map((s) => ({ s, c: classifySend(s, settings) }));
  const retryable = classified.filter(({ c }) => c.outcome === 'retry').map(({ c }) => c);
  let giveUp: GiveUpReason | null = null;
  let retry: Outcome['retry'] = null;
  if (retryable.length > 0) {
    giveUp = shouldGiveUp(episode.runNumber, episode.startedAt, settings, retryable[0], now.getTime());
    const retryAfterMs = Math.max(...retryable.map((c) => c.retryAfterMs ?? 0));
    const delayMs = backoffDelayMs(
      episode.runNumber,
      settings,
      retryAfterMs > 0 ? retryAfterMs : undefined,
      input.random,
    );
    const rateLimited = retryable.some((c) => c.errorClass === 'rate_limited');
    retry = { delayMs, retryAt: new Date(now.getTime() + delayMs), rateLimited };
  }
  const attempts = [
    ...input.validationFailures,
    ...classified.map(({ s, c }) => sentRow(episode, s, c, giveUp, retry?.retryAt ?? null)),
  ];
  const anyFailed = input.failedEarlier !== null || attempts.some((a) => a.decision === 'failed_permanently');
  const status = retry && !giveUp ? 'retrying' : anyFailed ? 'failed' : 'delivered';
  // The reason of the status: for failed, the permanent failure (of this run or an earlier run of the episode).
  const reason =
    status === 'delivered'
      ? 'delivered'
      : ((status === 'failed'
          ? (attempts.find((a) => a.decision === 'failed_permanently')?.errorMessage ?? input.failedEarlier)
          : attempts.find((a) => a.decision === 'retry_scheduled')?.errorMessage) ?? 'failed');
  return { status, reason, attempts, retry: status === 'retrying' ? retry : null };
}

function sentRow(
  episode: Episode,
  s: SendResult,
  c: Classification,
  giveUp: GiveUpReason | null,
  retryAt: Date | null,
): AttemptRecord {
  const success = c.outcome === 'success';
  const decision = success ? 'delivered' : c.outcome === 'retry' && !giveUp ? 'retry_scheduled' : 'failed_permanently';
  const reason =
    c.outcome === 'retry' && giveUp ? `${c.reason ?? c.errorClass}; gave up: ${giveUp}` : (c.reason ?? null);
  const thrown = s.error === undefined ? undefined : messageOf(s.error);
  return attemptRow(episode, s.startedAt, s.finishedAt, {
    subscriptionId: s.sub.subscriptionId,
    action: s.sub.action,
    ...requestColumns(s.sub.request, s.sub.idempotencyKey),
    ...(s.response ? responseColumns(s.response) : { latencyMs: s.finishedAt.getTime() - s.startedAt.getTime() }),
    errorClass: success ? null : (c.errorClass ?? null),
    errorMessage: success ? null : (thrown ?? reason),
    decision,
    retryAt: decision === 'retry_scheduled' ? retryAt : null,
  });
}
