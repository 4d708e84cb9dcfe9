import { Queue } from 'bullmq';
import { Gauge, Registry } from 'prom-client';
import {
  RedisClient,
  RedisSettings,
  createRedisConnection,
  deliveryQueueName,
  logErrors,
  withTimeout,
} from '@fsd/platform';

const STATES = ['waiting', 'active', 'delayed', 'failed'] as const;
const TIMEOUT_MS = 2000;

export interface QueueDepthSource {
  /** Every destination that may have a queue. */
  destinationIds: () => Promise<string[]>;
  redis: RedisSettings;
  queuePrefix: string;
}

/**
 * `fsd_queue_jobs{destination,state}`: waiting / active / delayed / failed jobs per destination
 * queue, read from Redis when /metrics is scraped (one Redis connection, opened on the first scrape).
 */
export class QueueDepthCollector {
  private connection?: RedisClient;
  private readonly queues = new Map<string, Queue>();

  constructor(
    registry: Registry,
    private readonly source: QueueDepthSource,
  ) {
    const gauge: Gauge<'destination' | 'state'> = new Gauge({
      name: 'fsd_queue_jobs',
      help: 'Jobs in each destination queue by state, read from Redis at scrape time',
      labelNames: ['destination', 'state'],
      registers: [registry],
      collect: async () => {
        gauge.reset();
        try {
          await this.collect((destination, state, n) => gauge.set({ destination, state }, n));
        } catch {
          // Redis or Postgres unreachable: no samples this scrape; /health reports the cause.
        }
      },
    });
  }

  private async collect(set: (destination: string, state: string, n: number) => void): Promise<void> {
    const { destinationIds, redis, queuePrefix } = this.source;
    const ids = await timeout(destinationIds());
    this.connection ??= createRedisConnection(redis, 'worker-metrics');
    await Promise.all(
      ids.map(async (id) => {
        let queue = this.queues.get(id);
        if (!queue) {
          queue = new Queue(deliveryQueueName(id), { connection: this.connection as RedisClient, prefix: queuePrefix });
          logErrors(queue, `metrics queue ${id}`);
          this.queues.set(id, queue);
        }
        const counts = await timeout(queue.getJobCounts(...STATES));
        for (const state of STATES) set(id, state, counts[state] ?? 0);
      }),
    );
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.close().catch(() => undefined)));
    this.connection?.disconnect();
  }
}

const timeout = <T>(promise: Promise<T>): Promise<T> => withTimeout(promise, TIMEOUT_MS);
