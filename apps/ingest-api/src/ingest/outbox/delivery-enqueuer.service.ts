import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import {
  DEFAULT_JOB_OPTIONS,
  DELIVERY_JOB_NAME,
  DeliveryJobData,
  completedJobRetention,
  deliveryJobPriority,
  redisClientPlan,
  redisConnectionOptions,
} from '@fsd/platform';
import { INGEST_CONFIG, IngestConfig } from '../../core/config/ingest.config';
import { QueueRegistry } from '../../core/queue/queue-registry.service';
import { EnqueueThread } from './enqueue-thread.client';
import { EnqueueThreadQueueJobs, addQueueJobs, bulkJobs } from './enqueue-thread.protocol';
import { ArrivalRate, lingerWindowMs } from './linger-window';
import { DeliveryRef, jobsByQueue, postCommitJobs, replayJobs } from './post-commit-jobs';

export type { DeliveryRef } from './post-commit-jobs';

/** A buffer this full is enqueued at once rather than at the end of the linger window. */
const FLUSH_AT_REFS = 1000;

/**
 * Enqueues delivery jobs after the commit. Failure here loses nothing: the deliveries are already
 * committed as 'pending' and the outbox relay enqueues whatever is missing.
 */
@Injectable()
export class DeliveryEnqueuer implements OnModuleDestroy {
  private readonly logger = new Logger(DeliveryEnqueuer.name);
  private buffer: DeliveryRef[] = [];
  private timer?: NodeJS.Timeout;
  private scheduled = false;
  private readonly arrivals = new ArrivalRate();
  /** Where post-commit jobs are added when ENQUEUE_THREAD is on (and the compiled thread exists). */
  private readonly thread?: EnqueueThread;

  constructor(
    private readonly queues: QueueRegistry,
    @Inject(INGEST_CONFIG) private readonly config: IngestConfig,
  ) {
    if (config.enqueueThread) {
      this.thread = EnqueueThread.start({
        redis: redisClientPlan(config, redisConnectionOptions('ingest-api-enqueue')),
        prefix: config.queuePrefix,
        jobName: DELIVERY_JOB_NAME,
        jobOptions: DEFAULT_JOB_OPTIONS,
      });
    }
  }

  /**
   * Never throws, never blocks the caller on a Redis outage. Refs committed within the linger
   * window are coalesced into one addBulk per destination: each addBulk has a fixed cost (a Redis
   * pipeline, a socket write) that would otherwise be paid per group commit, and the worker takes each
   * group job, claims and records its deliveries together. The window opens only while one destination's deliveries
   * arrive at ENQUEUE_LINGER_FROM_PER_SECOND or faster (lingerWindowMs).
   */
  enqueueInBackground(refs: DeliveryRef[]): void {
    if (refs.length === 0) return;
    if (!this.queues.redisReady) return; // the relay will pick them up once Redis is back
    const now = Date.now();
    for (const r of refs) {
      this.buffer.push(r);
      this.arrivals.add(r.destinationId, 1, now);
    }
    if (this.buffer.length >= FLUSH_AT_REFS) return this.flush();
    if (this.scheduled) return;
    this.scheduled = true;
    const { enqueueLingerMs, enqueueLingerFromPerSecond } = this.config;
    const linger = lingerWindowMs(this.arrivals.perSecond(now), enqueueLingerMs, enqueueLingerFromPerSecond);
    if (linger > 0) this.timer = setTimeout(() => this.flush(), linger);
    else setImmediate(() => this.flush());
  }

  /** Whatever is buffered at shutdown is enqueued now (the relay would find it anyway, only later). */
  async onModuleDestroy(): Promise<void> {
    if (this.buffer.length > 0) await this.drain().catch(() => undefined);
    await this.thread?.close();
  }

  private flush(): void {
    void this.drain().catch((e: Error) => this.logger.warn(`enqueue deferred to the outbox relay: ${e.message}`));
  }

  private drain(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.scheduled = false;
    const batch = this.buffer;
    this.buffer = [];
    const queues = postCommitJobs(batch, this.config.deliveryGroupMax, this.config.queuePrefix);
    if (this.thread?.alive) return this.thread.add(queues);
    return this.addHere(queues);
  }

  /** What the enqueue thread does, on this thread. */
  private async addHere(queues: EnqueueThreadQueueJobs[]): Promise<void> {
    await Promise.all(
      queues.map((entry) =>
        addQueueJobs(
          entry,
          this.queues.connection,
          this.queues.byName(entry.name),
          DELIVERY_JOB_NAME,
          DEFAULT_JOB_OPTIONS,
        ),
      ),
    );
  }

  /**
   * A per-event replay's page, in Redis when this resolves: group jobs (DELIVERY_GROUP_MAX, as live traffic has), so
   * a replayed delivery pays BullMQ's per-job scripts once per group, not once per delivery; below every live job of
   * their queue and kept an hour after they complete, as the replay's jobs per delivery are.
   */
  async enqueueReplay(refs: DeliveryRef[], replayId: string): Promise<void> {
    const options = { ...DEFAULT_JOB_OPTIONS, ...deliveryJobPriority('replay'), ...completedJobRetention('replay') };
    const { deliveryGroupMax, queuePrefix } = this.config;
    await Promise.all(
      replayJobs(refs, replayId, deliveryGroupMax, queuePrefix).map((entry) =>
        addQueueJobs(entry, this.queues.connection, this.queues.byName(entry.name), DELIVERY_JOB_NAME, options),
      ),
    );
  }

  /**
   * Adds the jobs on this thread and resolves once they are in Redis (the relay, replays, redrives). Replay and
   * redrive jobs get a priority, which puts them behind every live job of their queue, and stay in Redis an hour
   * after they complete (completedJobRetention).
   */
  async enqueue(refs: DeliveryRef[], data: Partial<DeliveryJobData> = {}): Promise<void> {
    await Promise.all(
      jobsByQueue(refs, data).map(({ name, jobs }) =>
        this.queues.byName(name).addBulk(
          bulkJobs(jobs, DELIVERY_JOB_NAME, DEFAULT_JOB_OPTIONS).map((j) => {
            const { trigger } = j.data as DeliveryJobData;
            return { ...j, opts: { ...j.opts, ...deliveryJobPriority(trigger), ...completedJobRetention(trigger) } };
          }),
        ),
      ),
    );
  }
}
