import { Logger } from '@nestjs/common';
import { Gauge, Registry } from 'prom-client';
import { deliveryGroupIndexKey, messageOf, withTimeout } from '@fsd/platform';
import { QueueRegistry } from '../../core/queue/queue-registry.service';
import { MetricsReads } from './metrics-reads.repository';

const SCRAPE_TIMEOUT_MS = 2000;
const logger = new Logger('GroupedDeliveriesGauge');

/**
 * `fsd_queue_grouped_deliveries{destination}`: live deliveries waiting or running in group jobs (the queue's group
 * index, libs/platform delivery-group.ts). `fsd_queue_jobs` counts jobs, and a group job carries up to 50
 * deliveries: this is the backlog in deliveries.
 */
export function registerGroupedDeliveriesGauge(
  registry: Registry,
  deps: { reads: MetricsReads; queues: QueueRegistry; queuePrefix: string },
): void {
  const gauge: Gauge<'destination'> = new Gauge({
    name: 'fsd_queue_grouped_deliveries',
    help: 'Live deliveries waiting or running in group jobs, per destination, read from Redis at scrape time',
    labelNames: ['destination'],
    registers: [registry],
    collect: async () => {
      gauge.reset();
      try {
        const ids = await withTimeout(deps.reads.destinationIds(), SCRAPE_TIMEOUT_MS);
        await Promise.all(
          ids.map(async (id) => {
            const n = await withTimeout(
              deps.queues.connection.hlen(deliveryGroupIndexKey(deps.queuePrefix, id)),
              SCRAPE_TIMEOUT_MS,
            );
            gauge.set({ destination: id }, n);
          }),
        );
      } catch (e) {
        logger.warn(`grouped deliveries not collected: ${messageOf(e)}`);
      }
    },
  });
}
