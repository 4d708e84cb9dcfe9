import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { Pool } from 'pg';
import { deliveryJobId, deliveryQueueName } from '@fsd/platform';
import { INGEST_CONFIG, IngestConfig } from '../config/ingest.config';
import { PG_POOL } from '../database/pg-pool.provider';
import { QueueRegistry } from '../queue/queue-registry.service';
import { DeliveryEnqueuer } from './delivery-enqueuer.service';

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
    @Inject(PG_POOL) private readonly pool: Pool,
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

  /** One pass over a page of open deliveries; returns how many were re-enqueued. */
  async tick(pageSize = 2000): Promise<number> {
    if (this.running || !this.queues.redisReady) return 0;
    this.running = true;
    try {
      const { rows } = await this.pool.query<{ id: string; destination_id: string }>(
        `SELECT id::text, destination_id::text FROM deliveries
          WHERE status IN ('pending', 'retrying') AND updated_at < now() - make_interval(secs => $1::float / 1000)
            AND id > $2::bigint
          ORDER BY id LIMIT $3`,
        [this.config.outboxRelayGraceMs, this.cursor, pageSize],
      );
      this.cursor = rows.length < pageSize ? '0' : rows[rows.length - 1].id;
      if (rows.length === 0) return 0;
      const pipeline = this.queues.connection.pipeline();
      for (const r of rows) {
        pipeline.exists(`${this.config.queuePrefix}:${deliveryQueueName(r.destination_id)}:${deliveryJobId(r.id)}`);
      }
      const exists = (await pipeline.exec()) ?? [];
      const missing = rows.filter((_, i) => exists[i]?.[1] === 0);
      if (missing.length > 0) {
        await this.enqueuer.enqueue(missing.map((r) => ({ deliveryId: r.id, destinationId: r.destination_id })));
        this.relayed += missing.length;
        this.logger.log(`re-enqueued ${missing.length} deliveries whose jobs were missing`);
      }
      return missing.length;
    } catch (e) {
      this.logger.warn(`outbox relay pass failed, will retry: ${(e as Error).message}`);
      return 0;
    } finally {
      this.running = false;
    }
  }
}
