import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'crypto';
import { Job, UnrecoverableError } from 'bullmq';
import { DeliveryRepository, LoadedDelivery } from '@fsd/delivery-data';
import { DestinationDispatchers, FullStoryClient } from '@fsd/fullstory-contracts';
import type { DeliveryJobData, DeliveryStatus } from '@fsd/platform';
import { LoadedDestination, DestinationCache } from '../destinations/destination-cache.service';
import { DeliveryMetrics } from '../metrics/delivery-metrics.service';
import type { Episode, OutgoingRequest, Outcome, SendResult } from './decision.types';
import { RetryableDeliveryError } from './delivery-errors';
import { claimWaitMs } from './claim-wait';
import { leftToItsOwnJob } from './group-hand-off';
import { decideOutcome } from './outcome';
import { startEpisode } from './episode';
import { planDelivery, userToCheck } from './plan';
import { funnelStageOf } from './funnel-stage';
import { obsoleteTimer, timerRole } from './retry-timer';
import { identitiesToCheck } from '../suppression/identities';
import { SuppressionService } from '../suppression/suppression.service';
import { messageOf } from '@fsd/platform';

export interface ProcessOutcome {
  status: DeliveryStatus | 'noop' | 'deferred';
  /** Set when FullStory asked us to slow down; the caller pauses the destination's queue. */
  rateLimitedForMs?: number;
  /** Set when another job holds the delivery: the caller delays this job by that much (no attempt used). */
  deferForMs?: number;
}

const NOOP: ProcessOutcome = { status: 'noop' };

/** What the processor reads of a job: a BullMQ job, or a group job's member run as its own job would be. */
export type DeliveryRunJob = Pick<Job<DeliveryJobData>, 'id' | 'data' | 'attemptsMade'> & {
  /** A group job's member (delivery-group.runner.ts): it runs a delivery not attempted since its group was made. */
  groupMember?: boolean;
};

/** Removes another job's retry timer of the delivery, made obsolete by the outcome this run recorded. */
export type DropTimer = (jobId: string) => Promise<void>;

/**
 * Delivers one delivery (event × destination). It only orchestrates: claims and loads (one run of a delivery at a
 * time, whichever job carries it; a job that finds the delivery held is deferred), plans (plan.ts), sends, decides
 * (outcome.ts), records, and ends the job: delivered, retry (rethrown for BullMQ's backoff), or failed
 * permanently (UnrecoverableError, so the job stays in the failed set for redrive).
 */
@Injectable()
export class DeliveryProcessor {
  private readonly logger = new Logger(DeliveryProcessor.name);

  constructor(
    private readonly deliveries: DeliveryRepository,
    private readonly destinations: DestinationCache,
    private readonly client: FullStoryClient,
    private readonly metrics: DeliveryMetrics,
    private readonly dispatchers: DestinationDispatchers,
    private readonly suppression: SuppressionService,
  ) {}

  /**
   * `requestsSent` is called once this run's requests to FullStory have all been answered (or have failed), before
   * the outcome is recorded: the caller's concurrency bounds requests in flight, not records waiting for their
   * statement. Not called when FullStory answered 429: the caller applies that pause before another run may send.
   * `recorded` is called once the run's outcome is recorded (a group job's hand-off depends on it).
   */
  async process(
    job: DeliveryRunJob,
    dropTimer?: DropTimer,
    requestsSent?: () => void,
    recorded?: () => void,
  ): Promise<ProcessOutcome> {
    const token = randomUUID();
    const claim = await this.deliveries.claim(job.data.deliveryId, token, job.data.loggedAt);
    if (claim.kind === 'missing') return NOOP;
    if (claim.kind === 'busy') return { status: 'deferred', deferForMs: claimWaitMs(claim.claimedUntil, new Date()) };
    const run: ClaimedRun = {
      delivery: claim.delivery,
      token,
      recorded: false,
      jobId: job.id ?? '',
      dropTimer,
      requestsSent,
      onRecorded: recorded,
    };
    try {
      return await this.run(job, run);
    } finally {
      // A run that ended without recording an outcome (nothing to do, or an error) gives its claim back.
      if (!run.recorded) await this.release(run.delivery, token);
    }
  }

  private async run(job: DeliveryRunJob, run: ClaimedRun): Promise<ProcessOutcome> {
    const { delivery } = run;
    const now = new Date();
    if (leftToItsOwnJob(job, delivery)) return NOOP;
    const role = timerRole({ id: run.jobId, attemptsMade: job.attemptsMade }, delivery);
    // Another job took this delivery's retry timer over (a replay or redrive that ran meanwhile): it retries.
    if (role === 'superseded') return NOOP;
    const episode = startEpisode(delivery, job.data.trigger, now, role === 'continuing');
    if (!episode) return NOOP;
    const destination = await this.destinations.get(delivery.destinationId);
    if (!destination) return NOOP;
    // Deleted on this destination, or suppressed: one statement per tick for both, shared by the concurrent jobs.
    const userDeleted = await this.suppression.isErased(
      destination.id,
      userToCheck(delivery, destination),
      identitiesToCheck(delivery, destination),
    );

    const plan = planDelivery({ delivery, destination, episode, userDeleted, now });
    if (plan.kind === 'finish') {
      this.metrics.outcome(destination.id, 'none', plan.outcome.status);
      return this.conclude(run, episode, plan.outcome);
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
    // After a 429 the caller pauses the destination first (ProcessOutcome.rateLimitedForMs), then lets others send.
    if (!outcome.retry?.rateLimited) run.requestsSent?.();
    return this.conclude(run, episode, outcome);
  }

  private async send(sub: OutgoingRequest, destination: LoadedDestination): Promise<SendResult> {
    const startedAt = new Date();
    try {
      const response = await this.client.send(sub.request, {
        idempotencyKey: sub.idempotencyKey,
        timeoutMs: destination.settings.timeoutMs,
        // The destination's own connection pool: another account's slow answers never hold its sockets.
        dispatcher: this.dispatchers.for(destination.id),
      });
      this.metrics.attemptLatency(destination.id, sub.action, response.latencyMs);
      return { sub, startedAt, finishedAt: new Date(), response };
    } catch (error) {
      return { sub, startedAt, finishedAt: new Date(), error };
    }
  }

  /** Records the outcome (before the job is acknowledged), then ends the job the way BullMQ needs. */
  private async conclude(run: ClaimedRun, episode: Episode, outcome: Outcome): Promise<ProcessOutcome> {
    const { status, reason, retry } = outcome;
    const { delivery } = run;
    // Releases the claim in the same statement.
    const stage = funnelStageOf(outcome);
    await this.deliveries.record(delivery, outcome.attempts, status, reason, {
      newEpisode: episode.isNew,
      claimToken: run.token,
      stage,
      retryJob: status === 'retrying' ? run.jobId : null,
    });
    run.recorded = true;
    run.onRecorded?.();
    // One timer per delivery: the one this outcome set (if retrying), none other.
    const obsolete = obsoleteTimer(run.jobId, delivery);
    if (obsolete !== null && run.dropTimer) await run.dropTimer(obsolete);
    if (status === 'delivered') this.metrics.delivered(delivery.destinationId, delivery.eventReceivedAt);
    if (status === 'delivered' || status === 'skipped') return { status };
    if (status === 'retrying' && retry) {
      this.metrics.retry(delivery.destinationId);
      if (retry.rateLimited) return { status, rateLimitedForMs: retry.delayMs };
      throw new RetryableDeliveryError(reason ?? 'retryable failure', retry.delayMs);
    }
    throw new UnrecoverableError(reason ?? 'failed permanently');
  }

  private async release(delivery: LoadedDelivery, token: string): Promise<void> {
    try {
      await this.deliveries.release(delivery, token);
    } catch (e) {
      // Not fatal: the claim's lease expires and the delivery is taken again then.
      this.logger.warn(`could not release the claim on delivery ${delivery.id}: ${messageOf(e)}`);
    }
  }
}

/** A delivery this run holds the claim of, and whether its outcome (which releases the claim) was recorded. */
interface ClaimedRun {
  delivery: LoadedDelivery;
  token: string;
  recorded: boolean;
  jobId: string;
  dropTimer?: DropTimer;
  requestsSent?: () => void;
  onRecorded?: () => void;
}
