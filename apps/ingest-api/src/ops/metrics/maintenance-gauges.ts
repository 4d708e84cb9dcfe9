import { Logger } from '@nestjs/common';
import { Gauge, Registry } from 'prom-client';
import { deliveryQueueName } from '@fsd/platform';
import { QueueRegistry } from '../../core/queue/queue-registry.service';
import type { MetricsReads } from './metrics-reads.repository';
import { collectOrWarn, forEachDestination, scrapeRead } from './scrape-reads';

const logger = new Logger('IngestMetrics');
const collect = (what: string, fn: () => Promise<void>) => collectOrWarn(logger, what, fn);

/**
 * Gauges read from Postgres and Redis at scrape time for the alerts on maintenance and backlog
 * (deploy/prometheus/alerts.yml): they describe the state itself, so they hold across restarts and
 * any number of ingest instances, whichever instance ran the hourly maintenance.
 */
export function registerMaintenanceGauges(
  registry: Registry,
  deps: {
    reads: MetricsReads;
    /** The destination ids, shared by the per-destination gauges of one scrape. */
    destinationIds: () => Promise<string[]>;
    queues: QueueRegistry;
    dedupWindowDays: number;
  },
): void {
  const partitions: Gauge = new Gauge({
    name: 'fsd_event_log_partitions_ahead_days',
    help: 'Days ahead (UTC) the event log has daily partitions for; the hourly maintenance keeps it at 7',
    registers: [registry],
    collect: () =>
      collect('partitions ahead', async () => {
        partitions.reset();
        const days = await scrapeRead(deps.reads.partitionsAheadDays());
        if (days !== null) partitions.set(days);
      }),
  });
  const dedupAge: Gauge = new Gauge({
    name: 'fsd_event_dedup_oldest_age_seconds',
    help: 'Age of the oldest remembered (source, messageId); the hourly maintenance forgets those past the window',
    registers: [registry],
    collect: () =>
      collect('dedup age', async () => {
        dedupAge.reset();
        dedupAge.set(await scrapeRead(deps.reads.dedupOldestAgeSeconds()));
      }),
  });
  new Gauge({
    name: 'fsd_event_dedup_window_seconds',
    help: 'How long a (source, messageId) is remembered (DEDUP_WINDOW_DAYS)',
    registers: [registry],
  }).set(deps.dedupWindowDays * 86400);
  const backlog: Gauge<'destination'> = new Gauge({
    name: 'fsd_queue_oldest_waiting_age_seconds',
    help: 'Age of the oldest job waiting to be picked up by a worker, per destination queue (0 when none waits)',
    labelNames: ['destination'],
    registers: [registry],
    collect: () =>
      collect('backlog age', async () => {
        backlog.reset();
        const now = Date.now();
        await forEachDestination(
          deps.destinationIds,
          (id) => deps.queues.byName(deliveryQueueName(id)).getWaiting(0, 0),
          (id, [oldest]) => backlog.set({ destination: id }, oldest ? Math.max(0, (now - oldest.timestamp) / 1000) : 0),
        );
      }),
  });
}
