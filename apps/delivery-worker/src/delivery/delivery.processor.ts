import { Injectable } from '@nestjs/common';
import { Job, UnrecoverableError } from 'bullmq';
import { createHash } from 'crypto';
import {
  Classification,
  FullStoryClient,
  FullStoryResponse,
  classifyError,
  classifyResponse,
} from '@fsd/fullstory-contracts';
import { PayloadValidationError, PreparedRequest, buildDeleteRequest } from '@fsd/mapping';
import type { AttemptTrigger, DeliveryJobData, DeliveryStatus } from '@fsd/platform';
import { losslessUtf8 } from '@fsd/platform';
import { LoadedDestination, DestinationCache } from '../destinations/destination-cache.service';
import { DeliveryMetrics } from '../metrics/delivery-metrics.service';
import { requestColumns, responseColumns } from './attempt-recorder';
import { RetryableDeliveryError } from './delivery-errors';
import { AttemptRecord, DeliveryStore, LoadedDelivery } from './delivery.store';
import { backoffDelayMs, retryClassification, shouldGiveUp } from './retry-policy';

export interface ProcessOutcome {
  status: DeliveryStatus | 'noop';
  /** Set when FullStory asked us to slow down; the caller pauses the destination's queue. */
  rateLimitedForMs?: number;
}

/** One request to send: an action of a matched subscription, or the GDPR deletion. */
interface OutgoingRequest {
  subscriptionId: string;
  action: string;
  request: PreparedRequest;
}

interface SendResult {
  sub: OutgoingRequest;
  idempotencyKey?: string;
  startedAt: Date;
  finishedAt: Date;
  response?: FullStoryResponse;
  error?: string;
  classification: Classification;
}

/** Version 2 creates accept Idempotency-Key; derive it from (messageId, destination, mapping). */
export function idempotencyKeyFor(
  request: PreparedRequest,
  messageId: string,
  destinationId: string,
  subscriptionId: string,
) {
  if (request.method !== 'POST' || !/\/v2\//.test(request.url)) return undefined;
  // Lossless bytes: plain UTF-8 turns every lone surrogate into U+FFFD, so two messageIds differing only
  // there would share a key and FullStory would take the second event for a repeat of the first.
  return createHash('sha256')
    .update(losslessUtf8(`${messageId}\u0000${destinationId}\u0000${subscriptionId}`))
    .digest('hex');
}

/**
 * Delivers one delivery (event × destination): runs the shared mapping pipeline, sends what is not
 * yet delivered, records every attempt, and decides: delivered, retry (rethrown for BullMQ's
 * backoff), or failed permanently (UnrecoverableError, so the job stays in the failed set for redrive).
 */
@Injectable()
export class DeliveryProcessor {
  constructor(
    private readonly store: DeliveryStore,
    private readonly destinations: DestinationCache,
    private readonly client: FullStoryClient,
    private readonly metrics: DeliveryMetrics,
  ) {}

  async process(job: Job<DeliveryJobData>): Promise<ProcessOutcome> {
    const delivery = await this.store.load(job.data.deliveryId);
    if (!delivery) return { status: 'noop' };
    const replay = job.data.trigger === 'replay';
    if (!replay && (delivery.status === 'delivered' || delivery.status === 'skipped')) return { status: 'noop' };
    const trigger: AttemptTrigger = replay
      ? 'replay'
      : delivery.status === 'failed' || job.data.trigger === 'redrive'
        ? 'redrive'
        : delivery.lastAttemptNumber > 0
          ? 'retry'
          : 'auto';
    const newEpisode = trigger === 'replay' || trigger === 'redrive';
    const attemptNumber = delivery.lastAttemptNumber + 1;
    const base = { attemptNumber, trigger };
    const destination = await this.destinations.get(delivery.destinationId);
    if (!destination) return { status: 'noop' };

    if (!destination.compiled) {
      return this.finishWithoutRequest(delivery, base, newEpisode, 'failed', {
        decision: 'failed_permanently',
        errorClass: 'validation',
        errorMessage: `destination configuration is invalid: ${destination.compileError}`,
      });
    }

    let requests: OutgoingRequest[];
    const attempts: AttemptRecord[] = [];
    // A retry of the same episode never re-sends what already failed permanently; a replay or redrive does.
    const settledFailures = newEpisode ? new Set<string>() : delivery.failedSubscriptions;
    const now = new Date();
    let messageId: string;
    if (delivery.kind === 'deletion') {
      messageId = `deletion-${delivery.id}`;
      try {
        requests = [
          {
            subscriptionId: 'onDelete',
            action: 'onDelete',
            request: buildDeleteRequest(
              { apiKey: destination.apiKey, baseUrl: destination.baseUrl },
              delivery.deletionUserId,
            ),
          },
        ];
      } catch (e) {
        const message = e instanceof PayloadValidationError ? e.message : (e as Error).message;
        return this.finishWithoutRequest(delivery, base, newEpisode, 'failed', {
          decision: 'failed_permanently',
          errorClass: 'validation',
          errorMessage: message,
        });
      }
    } else {
      const event = delivery.event;
      if (!event) {
        return this.finishWithoutRequest(delivery, base, newEpisode, 'failed', {
          decision: 'failed_permanently',
          errorClass: 'validation',
          errorMessage: 'the event is no longer in the event log',
        });
      }
      messageId = String(event.messageId);
      const userId = typeof event.userId === 'string' ? event.userId : undefined;
      if (
        destination.settings.suppressDeletedUsers &&
        userId &&
        (await this.store.isDeletedUser(destination.id, userId))
      ) {
        return this.finishWithoutRequest(delivery, base, newEpisode, 'skipped', {
          decision: 'skipped',
          skipReason: 'suppressed: the user was deleted',
        });
      }
      const result = destination.compiled.run(event);
      if (result.blockedBy) {
        return this.finishWithoutRequest(delivery, base, newEpisode, 'skipped', {
          decision: 'skipped',
          skipReason: result.blockedBy === 'integrations' ? 'integrations off' : 'filtered',
        });
      }
      if (result.requests.length === 0 && result.errors.length === 0) {
        return this.finishWithoutRequest(delivery, base, newEpisode, 'skipped', {
          decision: 'skipped',
          skipReason: 'not subscribed',
        });
      }
      for (const error of result.errors) {
        if (settledFailures.has(error.subscriptionId)) continue;
        attempts.push(
          this.attempt(base, now, now, {
            subscriptionId: error.subscriptionId,
            action: error.action,
            decision: 'failed_permanently',
            errorClass: 'validation',
            errorMessage: error.message,
          }),
        );
        this.metrics.outcome(destination.id, error.action, 'failed_validation');
      }
      requests = result.requests;
    }

    const pending = requests.filter(
      (r) =>
        replay || (!delivery.deliveredSubscriptions.has(r.subscriptionId) && !settledFailures.has(r.subscriptionId)),
    );
    const sent = await Promise.all(pending.map((sub) => this.send(sub, messageId, destination)));
    const failedEarlier = settledFailures.size > 0 ? (delivery.failedReason ?? 'failed permanently') : null;
    return this.decide(delivery, destination, base, newEpisode, attempts, sent, failedEarlier);
  }

  private async send(sub: OutgoingRequest, messageId: string, destination: LoadedDestination): Promise<SendResult> {
    const idempotencyKey = idempotencyKeyFor(sub.request, messageId, destination.id, sub.subscriptionId);
    const startedAt = new Date();
    try {
      const response = await this.client.send(sub.request, {
        idempotencyKey,
        timeoutMs: destination.settings.timeoutMs,
      });
      const classification = retryClassification(
        classifyResponse(response, { url: sub.request.url, retryV1NotFound: destination.settings.retryV1NotFound }),
        response.status,
        idempotencyKey,
      );
      this.metrics.attemptLatency(destination.id, sub.action, response.latencyMs);
      return { sub, idempotencyKey, startedAt, finishedAt: new Date(), response, classification };
    } catch (e) {
      return {
        sub,
        idempotencyKey,
        startedAt,
        finishedAt: new Date(),
        error: (e as Error).message,
        classification: classifyError(e),
      };
    }
  }

  private async decide(
    delivery: LoadedDelivery,
    destination: LoadedDestination,
    base: { attemptNumber: number; trigger: AttemptTrigger },
    newEpisode: boolean,
    attempts: AttemptRecord[],
    sent: SendResult[],
    failedEarlier: string | null = null,
  ): Promise<ProcessOutcome> {
    const retryable = sent.filter((s) => s.classification.outcome === 'retry');
    const runNumber = newEpisode ? 1 : delivery.episodeRuns + 1;
    const episodeStart = newEpisode ? new Date() : delivery.episodeStartedAt;
    let giveUp: string | null = null;
    let delayMs = 0;
    let rateLimitedForMs: number | undefined;
    if (retryable.length > 0) {
      giveUp = shouldGiveUp(runNumber, episodeStart, destination.settings, retryable[0].classification);
      const retryAfterMs = Math.max(...retryable.map((s) => s.classification.retryAfterMs ?? 0));
      delayMs = backoffDelayMs(runNumber, destination.settings, retryAfterMs > 0 ? retryAfterMs : undefined);
      if (retryable.some((s) => s.classification.errorClass === 'rate_limited')) rateLimitedForMs = delayMs;
    }
    const retryAt = new Date(Date.now() + delayMs);
    for (const s of sent) {
      const c = s.classification;
      const decision =
        c.outcome === 'success'
          ? 'delivered'
          : c.outcome === 'retry' && !giveUp
            ? 'retry_scheduled'
            : 'failed_permanently';
      const reason =
        c.outcome === 'retry' && giveUp ? `${c.reason ?? c.errorClass}; gave up: ${giveUp}` : (c.reason ?? null);
      attempts.push(
        this.attempt(base, s.startedAt, s.finishedAt, {
          subscriptionId: s.sub.subscriptionId,
          action: s.sub.action,
          ...requestColumns(s.sub.request, s.idempotencyKey),
          ...(s.response ? responseColumns(s.response) : { latencyMs: s.finishedAt.getTime() - s.startedAt.getTime() }),
          errorClass: c.outcome === 'success' ? null : (c.errorClass ?? null),
          errorMessage: c.outcome === 'success' ? null : (s.error ?? reason),
          decision,
          retryAt: decision === 'retry_scheduled' ? retryAt : null,
        }),
      );
      this.metrics.outcome(destination.id, s.sub.action, decision);
    }
    const anyFailed = failedEarlier !== null || attempts.some((a) => a.decision === 'failed_permanently');
    const status: DeliveryStatus = retryable.length > 0 && !giveUp ? 'retrying' : anyFailed ? 'failed' : 'delivered';
    // The reason of the status: for failed, the permanent failure (of this run or an earlier run of the episode).
    const lastError =
      status === 'delivered'
        ? null
        : ((status === 'failed'
            ? (attempts.find((a) => a.decision === 'failed_permanently')?.errorMessage ?? failedEarlier)
            : attempts.find((a) => a.decision === 'retry_scheduled')?.errorMessage) ?? 'failed');
    await this.store.record(
      delivery.id,
      attempts,
      status,
      status === 'delivered' ? 'delivered' : lastError,
      newEpisode,
    );
    if (status === 'delivered') {
      this.metrics.delivered(destination.id, delivery.eventReceivedAt);
      return { status };
    }
    if (status === 'retrying') {
      this.metrics.retry(destination.id);
      if (rateLimitedForMs !== undefined) return { status, rateLimitedForMs };
      throw new RetryableDeliveryError(lastError ?? 'retryable failure', delayMs);
    }
    throw new UnrecoverableError(lastError ?? 'failed permanently');
  }

  private async finishWithoutRequest(
    delivery: LoadedDelivery,
    base: { attemptNumber: number; trigger: AttemptTrigger },
    newEpisode: boolean,
    status: 'failed' | 'skipped',
    fields: Partial<AttemptRecord>,
  ): Promise<ProcessOutcome> {
    const now = new Date();
    const attempt = this.attempt(base, now, now, fields);
    const reason = fields.errorMessage ?? fields.skipReason ?? null;
    await this.store.record(delivery.id, [attempt], status, reason, newEpisode);
    this.metrics.outcome(delivery.destinationId, 'none', status);
    if (status === 'failed') throw new UnrecoverableError(reason ?? 'failed permanently');
    return { status };
  }

  private attempt(
    base: { attemptNumber: number; trigger: AttemptTrigger },
    startedAt: Date,
    finishedAt: Date,
    fields: Partial<AttemptRecord>,
  ): AttemptRecord {
    return {
      attemptNumber: base.attemptNumber,
      trigger: base.trigger,
      subscriptionId: null,
      action: null,
      startedAt,
      finishedAt,
      latencyMs: null,
      requestMethod: null,
      requestUrl: null,
      requestHeaders: null,
      requestBody: null,
      responseStatus: null,
      responseHeaders: null,
      responseBody: null,
      responseTruncated: false,
      errorClass: null,
      errorMessage: null,
      decision: 'skipped',
      retryAt: null,
      skipReason: null,
      ...fields,
    };
  }
}
