import { Logger } from '@nestjs/common';
import { Gauge, Registry } from 'prom-client';
import { deliveryQueueName, withTimeout } from '@fsd/platform';
import { QueueRegistry } from '../../core/queue/queue-registry.service';
import { messageOf } from '../../core/errors/message-of';
import type { MetricsReads } from './metrics-reads.repository';

const TIMEOUT_MS = 2000;
const logger = new Logger('IngestMetrics');

const timeout = <T>(promise: Promise<T>): Promise<T> => withTimeout(promise, TIMEOUT_MS);

/**
 * Gauges read from Postgres and Redis at scrape time for the alerts on maintenance and backlog
 * (deploy/prometheus/alerts.yml): they describe the state itself, so they hold across restarts and
 * any number of ingest instances, whichever instance ran the hourly maintenance.
 */
export function registerMaintenanceGauges(
  registry: Registry,
  deps: { reads: MetricsReads; queues: QueueRegistry; dedupWindowDays: number },
): void {
  const collect = async (what: string, fn: () => Promise<void>) => {
    try {
      await fn();
    } catch (e) {
      logger.warn(`${what} not collected: ${messageOf(e)}`);
    }
  };
  const partitions: Gauge = new Gauge({
    name: 'fsd_event_log_partitions_ahead_days',
    help: 'Days ahead (UTC) the event log has daily partitions for; the hourly maintenance keeps it at 7',
    registers: [registry],
    collect: () =>
      collect('partitions ahead', async () => {
        partitions.reset();
        const days = await timeout(deps.reads.partitionsAheadDays());
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
        dedupAge.set(await timeout(deps.reads.dedupOldestAgeSeconds()));
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
        const ids = await timeout(deps.reads.destinationIds());
        const now = Date.now();
        await Promise.all(
          ids.map(async (id) => {
            const [oldest] = await timeout(deps.queues.byName(deliveryQueueName(id)).getWaiting(0, 0));
            backlog.set({ destination: id }, oldest ? Math.max(0, (now - oldest.timestamp) / 1000) : 0);
          }),
        );
      }),
  });
}
