import { Logger } from '@nestjs/common';
import { Gauge, Registry } from 'prom-client';
import { deliveryGroupIndexKey } from '@fsd/platform';
import { QueueRegistry } from '../../core/queue/queue-registry.service';
import { collectOrWarn, forEachDestination } from './scrape-reads';

const logger = new Logger('GroupedDeliveriesGauge');

/**
 * `fsd_queue_grouped_deliveries{destination}`: live deliveries waiting or running in group jobs (the queue's group
 * index, libs/platform delivery-group.ts). `fsd_queue_jobs` counts jobs, and a group job carries up to 50
 * deliveries: this is the backlog in deliveries.
 */
export function registerGroupedDeliveriesGauge(
  registry: Registry,
  deps: { destinationIds: () => Promise<string[]>; queues: QueueRegistry; queuePrefix: string },
): void {
  const gauge: Gauge<'destination'> = new Gauge({
    name: 'fsd_queue_grouped_deliveries',
    help: 'Live deliveries waiting or running in group jobs, per destination, read from Redis at scrape time',
    labelNames: ['destination'],
    registers: [registry],
    collect: () => {
      gauge.reset();
      return collectOrWarn(logger, 'grouped deliveries', () =>
        forEachDestination(
          deps.destinationIds,
          (id) => deps.queues.connection.hlen(deliveryGroupIndexKey(deps.queuePrefix, id)),
          (id, n) => gauge.set({ destination: id }, n),
        ),
      );
    },
  });
}
