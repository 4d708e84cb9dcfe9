import { Logger } from '@nestjs/common';
import { Gauge, Registry } from 'prom-client';
import { messageOf } from '../../core/errors/message-of';
import type { PartitionedTableStats } from '../../ingest/retention/retention.repository';

const logger = new Logger('IngestMetrics');

/**
 * Retention's gauges, read from the catalog at scrape time (a few small queries): the size of each
 * time-partitioned table and when its oldest kept partition starts. With retention working, the sizes level off
 * once the retention days have passed and the oldest partition's age stays within retention + 1 day.
 */
export function registerRetentionGauges(registry: Registry, stats: () => Promise<PartitionedTableStats[]>): void {
  let pending: Promise<PartitionedTableStats[]> | null = null;
  // Both gauges come from one read per scrape.
  const read = () => (pending ??= stats().finally(() => setImmediate(() => (pending = null))));
  const collect = async (fill: (s: PartitionedTableStats[]) => void) => {
    try {
      fill(await read());
    } catch (e) {
      logger.warn(`retention gauges not collected: ${messageOf(e)}`);
    }
  };
  const bytes: Gauge<'table'> = new Gauge({
    name: 'fsd_table_size_bytes',
    help: 'Size on disk (tables, indexes, TOAST) of each time-partitioned table, all its partitions',
    labelNames: ['table'],
    registers: [registry],
    collect: () =>
      collect((all) => {
        bytes.reset();
        for (const s of all) bytes.set({ table: s.table }, s.bytes);
      }),
  });
  const oldest: Gauge<'table'> = new Gauge({
    name: 'fsd_oldest_partition_timestamp_seconds',
    help: 'Start (Unix time) of the oldest partition kept of each time-partitioned table (from before partitioning: its end)',
    labelNames: ['table'],
    registers: [registry],
    collect: () =>
      collect((all) => {
        oldest.reset();
        for (const s of all) {
          if (s.oldestPartitionStart) oldest.set({ table: s.table }, s.oldestPartitionStart.getTime() / 1000);
        }
      }),
  });
}
