import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { deliveryJobId, deliveryQueueName } from '@fsd/platform';
import { INGEST_CONFIG, IngestConfig } from '../../core/config/ingest.config';
import { QueueRegistry } from '../../core/queue/queue-registry.service';
import { replayJobSuffix } from '../../audit/replay/replay-jobs';
import { DeliveryEnqueuer } from './delivery-enqueuer.service';
import { OpenDeliveriesRepository, OpenDelivery } from './open-deliveries.repository';
import { messageOf } from '../../core/errors/message-of';

/** Open deliveries checked per query and Redis pipeline: small enough to block the event loop for only a few ms. */
const RELAY_CHUNK = 200;

/**
 * The outbox relay: finds open deliveries whose BullMQ job does not exist (a crash between commit
 * and enqueue, or Redis restarted empty) and enqueues them again. Job ids are derived from the
 * delivery, so a job that does exist is never duplicated.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(OutboxRelay.name);
  private timer?: NodeJS.Timeout;
  private running = false;
  private cursor = '0';
  relayed = 0;

  constructor(
    private readonly openDeliveries: OpenDeliveriesRepository,
    @Inject(INGEST_CONFIG) private readonly config: IngestConfig,
    private readonly queues: QueueRegistry,
    private readonly enqueuer: DeliveryEnqueuer,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.tick(), this.config.outboxRelayIntervalMs);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /**
   * One pass over up to `budget` open deliveries; returns how many were re-enqueued. The pass walks
   * in small chunks and yields to the event loop between them: under a backlog of open deliveries a
   * single 2,000-row page blocked request handling for tens of milliseconds every interval, which
   * showed up as the p99 of acknowledgements.
   */
  async tick(budget = 2000, chunkSize = RELAY_CHUNK): Promise<number> {
    if (this.running || !this.queues.redisReady) return 0;
    this.running = true;
    try {
      let relayed = 0;
      for (let seen = 0; seen < budget;) {
        const chunk = await this.relayChunk(Math.min(chunkSize, budget - seen));
        relayed += chunk.relayed;
        this.relayed += chunk.relayed;
        seen += chunk.seen;
        if (this.cursor === '0' || !this.queues.redisReady) break;
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
      if (relayed > 0) this.logger.log(`re-enqueued ${relayed} deliveries whose jobs were missing`);
      return relayed;
    } catch (e) {
      this.logger.warn(`outbox relay pass failed, will retry: ${messageOf(e)}`);
      return 0;
    } finally {
      this.running = false;
    }
  }

  /** Checks the next `limit` open deliveries after the cursor and enqueues those whose job is missing. */
  private async relayChunk(limit: number): Promise<{ seen: number; relayed: number }> {
    // A delivery put back to pending by a replay (not cancelled) is served by the replay's job
    // `d<id>-r<replayId>`: it counts as present, and it is what gets re-enqueued when missing.
    const page = await this.openDeliveries.after(this.cursor, this.config.outboxRelayGraceMs, limit);
    this.cursor = page.next ?? '0';
    const rows = page.deliveries;
    if (rows.length === 0) return { seen: limit, relayed: 0 };
    const present = await this.jobsPresent(rows);
    const missing = rows.filter((_, i) => !present[i]);
    if (missing.length > 0) {
      await this.enqueuer.enqueue(
        missing.map((r) =>
          r.replay_id
            ? {
                deliveryId: r.id,
                loggedAt: r.logged_at,
                destinationId: r.destination_id,
                jobIdSuffix: replayJobSuffix(r.replay_id),
                data: { trigger: 'replay' as const, replayId: r.replay_id },
              }
            : { deliveryId: r.id, loggedAt: r.logged_at, destinationId: r.destination_id },
        ),
      );
    }
    return { seen: limit, relayed: missing.length };
  }

  /**
   * The keys of the jobs that may serve the delivery; any one of them present serves it: its own job `d<id>`, the
   * job of the replay that put it back to pending, and the job holding its retry timer (a failed redrive or replay
   * job takes the timer, and `d<id>` then ends and leaves Redis: re-added, it would send before the backoff ends).
   */
  private jobKeysOf(r: OpenDelivery): string[] {
    const key = (jobId: string) => `${this.config.queuePrefix}:${deliveryQueueName(r.destination_id)}:${jobId}`;
    const jobs = new Set([deliveryJobId(r.id)]);
    if (r.replay_id) jobs.add(deliveryJobId(r.id, replayJobSuffix(r.replay_id)));
    if (r.retry_job) jobs.add(r.retry_job);
    return [...jobs].map(key);
  }

  /**
   * Whether each delivery's job exists, one pipeline per destination: a queue's keys share one hash slot, and a
   * Redis Cluster refuses a pipeline whose keys live on different nodes.
   */
  private async jobsPresent(rows: OpenDelivery[]) {
    const byDestination = new Map<string, number[]>();
    rows.forEach((r, i) => byDestination.set(r.destination_id, [...(byDestination.get(r.destination_id) ?? []), i]));
    const present: boolean[] = new Array<boolean>(rows.length).fill(true);
    await Promise.all(
      [...byDestination.values()].map(async (indexes) => {
        const pipeline = this.queues.connection.pipeline();
        for (const i of indexes) pipeline.exists(...this.jobKeysOf(rows[i]));
        const exists = (await pipeline.exec()) ?? [];
        indexes.forEach((rowIndex, j) => {
          const [error, n] = exists[j] ?? [new Error('no answer'), 0];
          if (error) throw error;
          present[rowIndex] = n !== 0;
        });
      }),
    );
    return present;
  }
}
