import { Injectable } from '@nestjs/common';
import { Job, UnrecoverableError } from 'bullmq';
import { FullStoryClient } from '@fsd/fullstory-contracts';
import type { DeliveryJobData, DeliveryStatus } from '@fsd/platform';
import { LoadedDestination, DestinationCache } from '../destinations/destination-cache.service';
import { DeliveryMetrics } from '../metrics/delivery-metrics.service';
import type { Episode, OutgoingRequest, Outcome, SendResult } from './decision.types';
import { RetryableDeliveryError } from './delivery-errors';
import { DeliveryStore, LoadedDelivery } from './delivery.store';
import { decideOutcome } from './outcome';
import { startEpisode } from './episode';
import { planDelivery, userToCheck } from './plan';
import { identitiesToCheck } from '../suppression/identities';
import { SuppressionService } from '../suppression/suppression.service';

export interface ProcessOutcome {
  status: DeliveryStatus | 'noop';
  /** Set when FullStory asked us to slow down; the caller pauses the destination's queue. */
  rateLimitedForMs?: number;
}

const NOOP: ProcessOutcome = { status: 'noop' };

/**
 * Delivers one delivery (event × destination). It only orchestrates: loads, plans (plan.ts), sends, decides
 * (outcome.ts), records, and ends the job: delivered, retry (rethrown for BullMQ's backoff), or failed
 * permanently (UnrecoverableError, so the job stays in the failed set for redrive).
 */
@Injectable()
export class DeliveryProcessor {
  constructor(
    private readonly store: DeliveryStore,
    private readonly destinations: DestinationCache,
    private readonly client: FullStoryClient,
    private readonly metrics: DeliveryMetrics,
    private readonly suppression: SuppressionService,
  ) {}

  async process(job: Job<DeliveryJobData>): Promise<ProcessOutcome> {
    const delivery = await this.store.load(job.data.deliveryId);
    const now = new Date();
    const episode = delivery && startEpisode(delivery, job.data.trigger, now);
    if (!delivery || !episode) return NOOP;
    const destination = await this.destinations.get(delivery.destinationId);
    if (!destination) return NOOP;
    const userId = userToCheck(delivery, destination);
    const userDeleted =
      (userId !== null && (await this.store.isDeletedUser(destination.id, userId))) ||
      (await this.suppression.isSuppressed(identitiesToCheck(delivery, destination)));

    const plan = planDelivery({ delivery, destination, episode, userDeleted, now });
    if (plan.kind === 'finish') {
      this.metrics.outcome(destination.id, 'none', plan.outcome.status);
      return this.conclude(delivery, episode, plan.outcome);
    }
    const sent = await Promise.all(plan.requests.map((sub) => this.send(sub, destination)));
    const outcome = decideOutcome({
      sent,
      validationFailures: plan.validationFailures,
      failedEarlier: plan.failedEarlier,
      episode,
      settings: destination.settings,
      now: new Date(),
    });
    this.metrics.attempts(destination.id, outcome.attempts);
    return this.conclude(delivery, episode, outcome);
  }

  private async send(sub: OutgoingRequest, destination: LoadedDestination): Promise<SendResult> {
    const startedAt = new Date();
    try {
      const response = await this.client.send(sub.request, {
        idempotencyKey: sub.idempotencyKey,
        timeoutMs: destination.settings.timeoutMs,
      });
      this.metrics.attemptLatency(destination.id, sub.action, response.latencyMs);
      return { sub, startedAt, finishedAt: new Date(), response };
    } catch (error) {
      return { sub, startedAt, finishedAt: new Date(), error };
    }
  }

  /** Records the outcome (before the job is acknowledged), then ends the job the way BullMQ needs. */
  private async conclude(delivery: LoadedDelivery, episode: Episode, outcome: Outcome): Promise<ProcessOutcome> {
    const { status, reason, retry } = outcome;
    await this.store.record(delivery.id, outcome.attempts, status, reason, episode.isNew);
    if (status === 'delivered') this.metrics.delivered(delivery.destinationId, delivery.eventReceivedAt);
    if (status === 'delivered' || status === 'skipped') return { status };
    if (status === 'retrying' && retry) {
      this.metrics.retry(delivery.destinationId);
      if (retry.rateLimited) return { status, rateLimitedForMs: retry.delayMs };
      throw new RetryableDeliveryError(reason ?? 'retryable failure', retry.delayMs);
    }
    throw new UnrecoverableError(reason ?? 'failed permanently');
  }
}
