import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Job, Worker } from 'bullmq';
import { Pool } from 'pg';
import { DeliveryJobData, createRedisConnection, deliveryQueueName } from '@fsd/platform';
import { WORKER_CONFIG, WorkerConfig, mergeSettings } from '../config/worker.config';
import { PG_POOL } from '../database/pg-pool.provider';
import { DeliveryProcessor } from './delivery.processor';
import { jobBackoffMs, throttleAfter } from './retry-policy';

/** "No limit": far above anything one destination can do, while keeping BullMQ's limiter active. */
const UNLIMITED_PER_SECOND = 1_000_000;

interface ManagedWorker {
  worker: Worker<DeliveryJobData>;
  maxConcurrency: number;
}

/**
 * One BullMQ Worker per destination queue: each destination has its own concurrency and rate
 * limit, so a slow or failing FullStory account never holds back another. Concurrency is halved
 * while FullStory answers 429 and grows back by one per success (AIMD, decided by retry-policy's throttleAfter).
 */
@Injectable()
export class WorkerManager implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(WorkerManager.name);
  private readonly workers = new Map<string, ManagedWorker>();
  private timer?: NodeJS.Timeout;
  private closing = false;

  constructor(
    @Inject(WORKER_CONFIG) private readonly config: WorkerConfig,
    @Inject(PG_POOL) private readonly pool: Pool,
    private readonly processor: DeliveryProcessor,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.refresh();
    this.timer = setInterval(() => void this.refresh(), this.config.destinationRefreshMs);
    this.timer.unref();
  }

  get activeDestinations(): string[] {
    return [...this.workers.keys()];
  }

  async refresh(): Promise<void> {
    if (this.closing) return;
    try {
      const { rows } = await this.pool.query<{ id: string; settings: Record<string, unknown> }>(
        // An archived destination receives nothing: its worker stops at the next refresh.
        'SELECT id::text, settings FROM destinations WHERE archived_at IS NULL',
      );
      const seen = new Set<string>();
      for (const row of rows) {
        seen.add(row.id);
        if (!this.workers.has(row.id)) this.start(row.id, row.settings);
      }
      for (const [id, managed] of this.workers) {
        if (!seen.has(id)) {
          this.workers.delete(id);
          await managed.worker.close();
        }
      }
    } catch (e) {
      this.logger.warn(`could not refresh destinations: ${(e as Error).message}`);
    }
  }

  private start(destinationId: string, stored: Record<string, unknown>): void {
    const settings = mergeSettings(this.config.defaults, stored);
    const worker: Worker<DeliveryJobData> = new Worker<DeliveryJobData>(
      deliveryQueueName(destinationId),
      (job) => this.handle(job, managed),
      {
        connection: createRedisConnection(this.config.redisUrl, `worker-${destinationId}`),
        prefix: this.config.queuePrefix,
        concurrency: settings.concurrency,
        lockDuration: this.config.lockDurationMs,
        stalledInterval: Math.max(5000, Math.floor(this.config.lockDurationMs / 2)),
        maxStalledCount: 1000,
        // Always a limiter: BullMQ honours a manual rateLimit() (our 429 pause) only on a queue that has one.
        limiter: {
          max: settings.rateLimitPerSecond > 0 ? settings.rateLimitPerSecond : UNLIMITED_PER_SECOND,
          duration: 1000,
        },
        settings: { backoffStrategy: (_attempts: number, type?: string, err?: Error) => jobBackoffMs(type, err) },
      },
    );
    const managed: ManagedWorker = { worker, maxConcurrency: settings.concurrency };
    worker.on('error', (e) => this.logger.warn(`worker ${destinationId}: ${e.message}`));
    this.workers.set(destinationId, managed);
  }

  private async handle(job: Job<DeliveryJobData>, managed: ManagedWorker): Promise<string> {
    const outcome = await this.processor.process(job);
    const w = managed.worker;
    const { concurrency, pauseMs } = throttleAfter(outcome, w.concurrency, managed.maxConcurrency);
    if (concurrency !== w.concurrency) w.concurrency = concurrency;
    if (pauseMs !== null) {
      // Pause this destination's queue for Retry-After and put the job back without using an attempt.
      await w.rateLimit(pauseMs);
      throw Worker.RateLimitError();
    }
    return outcome.status;
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
  }
}
