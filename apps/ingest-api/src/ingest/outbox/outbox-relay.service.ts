import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { deliveryGroupIndexKey, deliveryJobId, deliveryQueueName } from '@fsd/platform';
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
    // `d<id>-r<replayId>` or its group job (in the group index): either counts as present, and the job per delivery
    // is what gets re-enqueued when missing.
    const page = await this.openDeliveries.after(this.cursor, this.config.outboxRelayGraceMs, limit);
    this.cursor = page.next ?? '0';
    const rows = page.deliveries;
    if (rows.length === 0) return { seen: limit, relayed: 0 };
    const { present, staleGroupEntries } = await this.jobsPresent(rows);
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
                // Sent since this read (by the replay's group job, say): the job leaves it alone.
                attemptsBefore: r.attempts,
                data: { trigger: 'replay' as const, replayId: r.replay_id },
              }
            : { deliveryId: r.id, loggedAt: r.logged_at, destinationId: r.destination_id },
        ),
      );
    }
    // Only once each delivery has its own job: until then the entry is what tells the next pass to look.
    await this.dropGroupEntries(staleGroupEntries);
    return { seen: limit, relayed: missing.length };
  }

  private async dropGroupEntries(entries: StaleGroupEntry[]): Promise<void> {
    const byKey = new Map<string, string[]>();
    for (const { indexKey, id } of entries) byKey.set(indexKey, [...(byKey.get(indexKey) ?? []), id]);
    await Promise.all([...byKey].map(([indexKey, ids]) => this.queues.connection.hdel(indexKey, ...ids)));
  }

  /**
   * The keys of the jobs that may serve the delivery; any one of them present serves it: its own job `d<id>`, the
   * job of the replay that put it back to pending, and the job holding its retry timer (a failed redrive or replay
   * job takes the timer, and `d<id>` then ends and leaves Redis: re-added, it would send before the backoff ends).
   */
  private jobKeysOf(r: OpenDelivery): string[] {
    const jobs = new Set([deliveryJobId(r.id)]);
    if (r.replay_id) jobs.add(deliveryJobId(r.id, replayJobSuffix(r.replay_id)));
    if (r.retry_job) jobs.add(r.retry_job);
    return [...jobs].map((jobId) => this.jobKey(r.destination_id, jobId));
  }

  private jobKey(destinationId: string, jobId: string): string {
    return `${this.config.queuePrefix}:${deliveryQueueName(destinationId)}:${jobId}`;
  }

  /**
   * Whether each delivery's job exists, one pipeline per destination: a queue's keys share one hash slot, and a
   * Redis Cluster refuses a pipeline whose keys live on different nodes. A delivery without a job of its own may be
   * served by a live group job (libs/platform delivery-group.ts): the queue's group index names it, and a second
   * pipeline asks whether that job exists. An entry whose job is gone is stale: the delivery is enqueued alone and the
   * entry removed.
   */
  private async jobsPresent(
    rows: OpenDelivery[],
  ): Promise<{ present: boolean[]; staleGroupEntries: StaleGroupEntry[] }> {
    const byDestination = new Map<string, number[]>();
    rows.forEach((r, i) => byDestination.set(r.destination_id, [...(byDestination.get(r.destination_id) ?? []), i]));
    const present: boolean[] = new Array<boolean>(rows.length).fill(true);
    const staleGroupEntries: StaleGroupEntry[] = [];
    await Promise.all(
      [...byDestination].map(async ([destinationId, indexes]) => {
        const indexKey = deliveryGroupIndexKey(this.config.queuePrefix, destinationId);
        const pipeline = this.queues.connection.pipeline();
        for (const i of indexes) pipeline.exists(...this.jobKeysOf(rows[i])).hget(indexKey, rows[i].id);
        const answers = (await pipeline.exec()) ?? [];
        const grouped: { rowIndex: number; groupJob: string }[] = [];
        indexes.forEach((rowIndex, j) => {
          const n = answerOf(answers[2 * j]);
          const groupJob = answerOf(answers[2 * j + 1]);
          present[rowIndex] = n !== 0;
          if (n === 0 && typeof groupJob === 'string') grouped.push({ rowIndex, groupJob });
        });
        if (grouped.length === 0) return;
        const check = this.queues.connection.pipeline();
        for (const g of grouped) check.exists(this.jobKey(destinationId, g.groupJob));
        const exists = (await check.exec()) ?? [];
        grouped.forEach((g, j) => {
          present[g.rowIndex] = answerOf(exists[j]) !== 0;
          if (!present[g.rowIndex]) staleGroupEntries.push({ indexKey, id: rows[g.rowIndex].id });
        });
      }),
    );
    return { present, staleGroupEntries };
  }
}

/** A group index entry whose group job is gone: removed once the delivery has its own job. */
interface StaleGroupEntry {
  indexKey: string;
  id: string;
}

/** A pipeline answer's value; its error, if any, fails the pass (retried at the next interval). */
function answerOf(answer: [Error | null, unknown] | undefined): unknown {
  const [error, value] = answer ?? [new Error('no answer'), null];
  if (error) throw error;
  return value;
}
