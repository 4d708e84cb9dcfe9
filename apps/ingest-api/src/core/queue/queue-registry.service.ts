import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { Queue } from 'bullmq';
import { RedisClient, createRedisConnection, deliveryQueueName } from '@fsd/platform';
import { INGEST_CONFIG, IngestConfig } from '../config/ingest.config';

/** One BullMQ Queue handle per destination queue, sharing one Redis connection. */
@Injectable()
export class QueueRegistry implements OnModuleDestroy {
  private readonly logger = new Logger(QueueRegistry.name);
  private readonly queues = new Map<string, Queue>();
  readonly connection: RedisClient;

  constructor(@Inject(INGEST_CONFIG) private readonly config: IngestConfig) {
    this.connection = createRedisConnection(config, 'ingest-api');
  }

  forDestination(destinationId: string): Queue {
    return this.byName(deliveryQueueName(destinationId));
  }

  byName(name: string): Queue {
    let q = this.queues.get(name);
    if (!q) {
      q = new Queue(name, { connection: this.connection, prefix: this.config.queuePrefix });
      q.on('error', (e) => this.logger.warn(`queue ${name}: ${e.message}`));
      this.queues.set(name, q);
    }
    return q;
  }

  all(): Queue[] {
    return [...this.queues.values()];
  }

  get redisReady(): boolean {
    return this.connection.status === 'ready';
  }

  async onModuleDestroy(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.close().catch(() => undefined)));
    this.connection.disconnect();
  }
}
