import { Injectable, Logger } from '@nestjs/common';
import { DEFAULT_JOB_OPTIONS, DeliveryJobData, deliveryJobId } from '@fsd/platform';
import { QueueRegistry } from '../queue/queue-registry.service';

export interface DeliveryRef {
  deliveryId: string;
  destinationId: string;
}

/**
 * Enqueues delivery jobs after the commit. Failure here loses nothing: the deliveries are already
 * committed as 'pending' and the outbox relay enqueues whatever is missing.
 */
@Injectable()
export class DeliveryEnqueuer {
  private readonly logger = new Logger(DeliveryEnqueuer.name);

  constructor(private readonly queues: QueueRegistry) {}

  /** Never throws, never blocks the caller on a Redis outage. */
  enqueueInBackground(refs: DeliveryRef[]): void {
    if (refs.length === 0) return;
    if (!this.queues.redisReady) return; // the relay will pick them up once Redis is back
    void this.enqueue(refs).catch((e: Error) => this.logger.warn(`enqueue deferred to the outbox relay: ${e.message}`));
  }

  async enqueue(refs: DeliveryRef[], data: Partial<DeliveryJobData> = {}): Promise<void> {
    const byDestination = new Map<string, DeliveryRef[]>();
    for (const r of refs) {
      const list = byDestination.get(r.destinationId) ?? [];
      list.push(r);
      byDestination.set(r.destinationId, list);
    }
    await Promise.all(
      [...byDestination].map(([destinationId, list]) =>
        this.queues.forDestination(destinationId).addBulk(
          list.map((r) => ({
            name: 'deliver',
            data: { deliveryId: r.deliveryId, trigger: 'auto', ...data } satisfies DeliveryJobData,
            opts: { ...DEFAULT_JOB_OPTIONS, jobId: deliveryJobId(r.deliveryId) },
          })),
        ),
      ),
    );
  }
}
