import { Injectable, Logger } from '@nestjs/common';
import { DEFAULT_JOB_OPTIONS, DeliveryJobData, deliveryJobId } from '@fsd/platform';
import { QueueRegistry } from '../queue/queue-registry.service';

export interface DeliveryRef {
  deliveryId: string;
  destinationId: string;
  /** Appended to the job id (`d<deliveryId><suffix>`): a replay or redrive job beside the delivery's own. */
  jobIdSuffix?: string;
  /** Job data for this delivery only (trigger, replayId), over the call's `data`. */
  data?: Partial<DeliveryJobData>;
}

/**
 * Enqueues delivery jobs after the commit. Failure here loses nothing: the deliveries are already
 * committed as 'pending' and the outbox relay enqueues whatever is missing.
 */
@Injectable()
export class DeliveryEnqueuer {
  private readonly logger = new Logger(DeliveryEnqueuer.name);
  private buffer: DeliveryRef[] = [];
  private scheduled = false;

  constructor(private readonly queues: QueueRegistry) {}

  /**
   * Never throws, never blocks the caller on a Redis outage. Refs from concurrent requests are
   * coalesced into one addBulk per destination per tick: far fewer Redis round trips under load.
   */
  enqueueInBackground(refs: DeliveryRef[]): void {
    if (refs.length === 0) return;
    if (!this.queues.redisReady) return; // the relay will pick them up once Redis is back
    for (const r of refs) this.buffer.push(r);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      const batch = this.buffer;
      this.buffer = [];
      this.scheduled = false;
      void this.enqueue(batch).catch((e: Error) =>
        this.logger.warn(`enqueue deferred to the outbox relay: ${e.message}`),
      );
    });
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
            data: { deliveryId: r.deliveryId, trigger: 'auto', ...data, ...r.data } satisfies DeliveryJobData,
            opts: { ...DEFAULT_JOB_OPTIONS, jobId: deliveryJobId(r.deliveryId, r.jobIdSuffix) },
          })),
        ),
      ),
    );
  }
}
