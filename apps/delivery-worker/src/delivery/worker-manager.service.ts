import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DelayedError, Job, Queue, UnrecoverableError, Worker } from 'bullmq';
import { DestinationDispatchers } from '@fsd/fullstory-contracts';
import {
  DeliveryGroupJobData,
  DeliveryJobData,
  RedisClient,
  createRedisConnection,
  deliveryQueueName,
  isDeliveryGroupJob,
  logErrors,
  messageOf,
} from '@fsd/platform';
import { WORKER_CONFIG, WorkerConfig, mergeSettings } from '../config/worker.config';
import { DestinationRepository, type DestinationQueueRow } from '../data/destination.repository';
import { DestinationCache } from '../destinations/destination-cache.service';
import { DestinationChanges } from '../data/destination-changes.service';
import { DeliveryProcessor, ProcessOutcome } from './delivery.processor';
import { DeliveryGroupRunner } from './delivery-group.runner';
import { DeliveryPermits } from './delivery-permits';
import { failedByItsGroup } from './group-hand-off';
import { AppliedQueueState, DesiredQueueState, limiterMax, queueStateChanges } from './live-settings';
import { jobBackoffMs, throttleAfter } from './retry-policy';

type AnyDeliveryJobData = DeliveryJobData | DeliveryGroupJobData;

interface ManagedWorker {
  destinationId: string;
  worker: Worker<AnyDeliveryJobData>;
  /** Requests in flight, at most the worker's (throttled) concurrency, whether single or group jobs carry them. */
  permits: DeliveryPermits;
  /** Until when FullStory asked this destination to wait (epoch ms): group members not started yet wait as long. */
  pausedUntil: number;
  /** The same queue, for what acts on it for every worker (pause, resume, promote). */
  queue: Queue;
  applied: AppliedQueueState;
}

/**
 * One BullMQ Worker per destination queue: each destination has its own concurrency and rate limit, so a slow or
 * failing FullStory account never holds back another. Settings are live: a change of a destination (NOTIFY from
 * the table's trigger, or the periodic refresh as the fallback) applies its concurrency, rate limit, pause and
 * enabled on this worker at once, and a new destination gets its worker before its first event. Concurrency is
 * halved while FullStory answers 429 and grows back by one per success (AIMD, retry-policy's throttleAfter).
 * A group job goes to DeliveryGroupRunner, any other job to the processor; both take the destination's permits, so
 * its concurrency bounds the requests in flight whichever jobs carry them.
 */
@Injectable()
export class WorkerManager implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(WorkerManager.name);
  private readonly workers = new Map<string, ManagedWorker>();
  private timer?: NodeJS.Timeout;
  private closing = false;
  /** Applies run one at a time (a notification and the refresh may arrive together). */
  private applying: Promise<void> = Promise.resolve();
  private queueConnection?: RedisClient;

  constructor(
    @Inject(WORKER_CONFIG) private readonly config: WorkerConfig,
    private readonly destinationRows: DestinationRepository,
    private readonly processor: DeliveryProcessor,
    private readonly groups: DeliveryGroupRunner,
    private readonly destinations: DestinationCache,
    private readonly changes: DestinationChanges,
    private readonly dispatchers: DestinationDispatchers,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.changes.listen(
      (id) => void this.refresh(id),
      () => void this.refresh(),
    );
    await this.refresh();
    this.timer = setInterval(() => void this.refresh(), this.config.destinationRefreshMs);
    this.timer.unref();
  }

  get activeDestinations(): string[] {
    return [...this.workers.keys()];
  }

  /** Brings the workers to the table: all destinations, or only the one that changed. */
  refresh(destinationId?: string): Promise<void> {
    if (destinationId !== undefined) this.destinations.invalidate(destinationId);
    this.applying = this.applying.then(() => this.apply(destinationId));
    return this.applying;
  }

  private async apply(destinationId?: string): Promise<void> {
    if (this.closing) return;
    try {
      const rows = await this.destinationRows.queueRows(destinationId);
      for (const row of rows) await this.applyRow(row);
      const seen = new Set(rows.map((r) => r.id));
      const gone = destinationId === undefined ? [...this.workers.keys()] : [destinationId];
      for (const id of gone.filter((g) => !seen.has(g))) await this.stop(id);
    } catch (e) {
      this.logger.warn(`could not refresh destinations: ${messageOf(e)}`);
    }
  }

  private async applyRow(row: DestinationQueueRow): Promise<void> {
    const settings = mergeSettings(this.config.defaults, row.settings);
    const desired: DesiredQueueState = { ...settings, enabled: row.enabled, paused: row.paused };
    const managed = this.workers.get(row.id) ?? this.start(row.id, desired);
    const change = queueStateChanges(managed.applied, desired, await managed.queue.isPaused());
    if (change.concurrency !== null) managed.worker.concurrency = change.concurrency;
    if (change.limiterMax !== null) managed.worker.opts.limiter = { max: change.limiterMax, duration: 1000 };
    if (change.pauseQueue === true) await managed.queue.pause();
    if (change.pauseQueue === false) await managed.queue.resume();
    // Delayed retries of a destination just disabled run now, and end skipped, instead of hours later.
    if (change.promoteDelayed) await managed.queue.promoteJobs();
    managed.applied = {
      maxConcurrency: settings.concurrency,
      concurrency: managed.worker.concurrency,
      rateLimitPerSecond: settings.rateLimitPerSecond,
      enabled: row.enabled,
    };
  }

  private start(destinationId: string, desired: DesiredQueueState): ManagedWorker {
    const worker: Worker<AnyDeliveryJobData> = new Worker<AnyDeliveryJobData>(
      deliveryQueueName(destinationId),
      (job, token) => this.handle(job, token, managed),
      {
        connection: createRedisConnection(this.config, `worker-${destinationId}`),
        prefix: this.config.queuePrefix,
        concurrency: desired.concurrency,
        lockDuration: this.config.lockDurationMs,
        stalledInterval: Math.max(5000, Math.floor(this.config.lockDurationMs / 2)),
        maxStalledCount: 1000,
        // Always a limiter: BullMQ honours a manual rateLimit() (our 429 pause) only on a queue that has one.
        limiter: { max: limiterMax(desired.rateLimitPerSecond), duration: 1000 },
        settings: { backoffStrategy: (_attempts: number, type?: string, err?: Error) => jobBackoffMs(type, err) },
      },
    );
    this.queueConnection ??= createRedisConnection(this.config, 'worker-queues');
    const queue = new Queue(deliveryQueueName(destinationId), {
      connection: this.queueConnection,
      prefix: this.config.queuePrefix,
    });
    logErrors(queue, `queue ${destinationId}`);
    const managed: ManagedWorker = {
      destinationId,
      worker,
      permits: new DeliveryPermits(() => worker.concurrency),
      pausedUntil: 0,
      queue,
      applied: {
        maxConcurrency: desired.concurrency,
        concurrency: desired.concurrency,
        rateLimitPerSecond: desired.rateLimitPerSecond,
        enabled: desired.enabled,
      },
    };
    logErrors(worker, `worker ${destinationId}`);
    this.workers.set(destinationId, managed);
    return managed;
  }

  private async stop(destinationId: string): Promise<void> {
    const managed = this.workers.get(destinationId);
    if (!managed) return;
    this.workers.delete(destinationId);
    await managed.worker.close();
    await managed.queue.close();
    await this.dispatchers.drop(destinationId);
  }

  private async handle(
    job: Job<AnyDeliveryJobData>,
    token: string | undefined,
    managed: ManagedWorker,
  ): Promise<string> {
    const dropTimer = (obsolete: string) => this.dropTimer(managed.queue, obsolete);
    if (isDeliveryGroupJob(job.data)) {
      return this.groups.run(job.data, {
        destinationId: managed.destinationId,
        queuePrefix: this.config.queuePrefix,
        queue: managed.queue,
        permits: managed.permits,
        rateLimited: managed.applied.rateLimitPerSecond > 0,
        dropTimer,
        afterOutcome: async (outcome) => {
          const pauseMs = this.throttle(managed, outcome);
          if (pauseMs !== null) await managed.worker.rateLimit(pauseMs);
        },
        pausedUntil: () => managed.pausedUntil,
        closing: () => this.closing,
      });
    }
    const single = job as Job<DeliveryJobData>;
    const failedReason = failedByItsGroup(single);
    if (failedReason !== null) throw new UnrecoverableError(failedReason);
    await managed.permits.acquire(1);
    const permit = managed.permits.hold();
    let outcome: ProcessOutcome;
    try {
      outcome = await this.processor.process(single, dropTimer, permit.requestsDone);
    } finally {
      permit.release();
    }
    if (outcome.deferForMs !== undefined) {
      // Another job holds this delivery: come back later, without failing or using an attempt.
      await job.moveToDelayed(Date.now() + outcome.deferForMs, token);
      throw new DelayedError();
    }
    const pauseMs = this.throttle(managed, outcome);
    if (pauseMs !== null) {
      // Pause this destination's queue for Retry-After and put the job back without using an attempt.
      await managed.worker.rateLimit(pauseMs);
      throw Worker.RateLimitError();
    }
    return outcome.status;
  }

  /** AIMD on the destination's concurrency after an outcome; the pause FullStory asked for, if any. */
  private throttle(managed: ManagedWorker, outcome: ProcessOutcome): number | null {
    const w = managed.worker;
    const { concurrency, pauseMs } = throttleAfter(outcome, w.concurrency, managed.applied.maxConcurrency);
    if (concurrency !== w.concurrency) w.concurrency = concurrency;
    if (pauseMs !== null) managed.pausedUntil = Date.now() + pauseMs;
    return pauseMs;
  }

  /**
   * Removes a delivery job whose retry timer another job's outcome made obsolete. A job that is running cannot be
   * removed (BullMQ keeps locked jobs): it finds itself superseded when it loads the delivery and ends.
   */
  private async dropTimer(queue: Queue, jobId: string): Promise<void> {
    try {
      await queue.remove(jobId);
    } catch (e) {
      this.logger.warn(`could not remove the superseded retry job ${jobId}: ${messageOf(e)}`);
    }
  }

  /** Stops taking jobs and lets in-flight ones finish within SHUTDOWN_GRACE_MS; unfinished ones are retried elsewhere. */
  async onApplicationShutdown(): Promise<void> {
    this.closing = true;
    if (this.timer) clearInterval(this.timer);
    const all = [...this.workers.values()].map((m) => m.worker);
    const graceful = Promise.all(all.map((w) => w.close()));
    const timeout = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), this.config.shutdownGraceMs).unref());
    if ((await Promise.race([graceful, timeout])) === 'timeout') {
      // Not `close(true)`: once a graceful close is under way BullMQ returns that same pending close, so the
      // process would wait for the slowest request regardless of the grace period. The unfinished jobs keep
      // their locks; when those expire another worker takes them over and re-sends with the same Idempotency-Key.
      this.logger.warn('shutdown grace period over; unfinished jobs will be picked up again after their lock expires');
    }
    await Promise.all([...this.workers.values()].map((m) => m.queue.close().catch(() => undefined)));
    this.queueConnection?.disconnect();
  }
}
