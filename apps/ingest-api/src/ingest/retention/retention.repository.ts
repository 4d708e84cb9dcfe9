import { Inject, Injectable } from '@nestjs/common';
import { Pool } from 'pg';
import {
  DELIVERY_AUDIT_TABLES,
  dropDeliveryAuditBefore,
  ensureDeliveryAuditPartitions,
  pruneFunnelBefore,
} from '@fsd/delivery-data';
import { dropPartitionsEndingBy, ensureDailyPartitions, ensureWeeklyPartitions, partitionsOf } from '@fsd/platform';
import { PG_POOL } from '../../core/database/pg-pool.provider';
import type { RetentionOverrides } from './retention-policy';

/** Every time-partitioned table, for the size and oldest-partition gauges. */
export const PARTITIONED_TABLES = ['events', 'event_dedup', ...DELIVERY_AUDIT_TABLES] as const;

export interface PartitionedTableStats {
  table: string;
  bytes: number;
  /** Start of the oldest partition kept (the legacy partition, from before partitioning: its end); null if none. */
  oldestPartitionStart: Date | null;
}

/**
 * The retention job's data access: the longest overrides, the partitions of the event log and its dedup keys
 * (this job is the one that drops them), and the delivery tables' partitions through @fsd/delivery-data.
 */
@Injectable()
export class RetentionRepository {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  async overrides(): Promise<RetentionOverrides> {
    const { rows } = await this.pool.query<{ event_days: number | null; audit_days: number | null }>(
      `SELECT max(event_days)::int AS event_days, max(audit_days)::int AS audit_days FROM (
         SELECT event_retention_days AS event_days, audit_retention_days AS audit_days FROM sources
         UNION ALL
         SELECT event_retention_days, audit_retention_days FROM destinations) o`,
    );
    return { eventDays: rows[0]?.event_days ?? null, auditDays: rows[0]?.audit_days ?? null };
  }

  /** The partitions of every time-partitioned table from `first` to `last` (UTC days; dedup keys by week). */
  async ensurePartitions(first: Date, last: Date): Promise<void> {
    await ensureDailyPartitions(this.pool, 'events', first, last);
    await ensureWeeklyPartitions(this.pool, 'event_dedup', first, last);
    await ensureDeliveryAuditPartitions(this.pool, first, last);
  }

  dropEventsBefore(cutoff: Date): Promise<string[]> {
    return dropPartitionsEndingBy(this.pool, 'events', cutoff);
  }

  dropDedupKeysBefore(cutoff: Date): Promise<string[]> {
    return dropPartitionsEndingBy(this.pool, 'event_dedup', cutoff);
  }

  dropAuditBefore(cutoff: Date): Promise<string[]> {
    return dropDeliveryAuditBefore(this.pool, cutoff);
  }

  pruneFunnelBefore(cutoff: Date): Promise<number> {
    return pruneFunnelBefore(this.pool, cutoff);
  }

  /** Size on disk (tables, indexes, TOAST) and the oldest partition of each time-partitioned table. */
  async stats(): Promise<PartitionedTableStats[]> {
    return Promise.all(
      PARTITIONED_TABLES.map(async (table) => {
        const [{ bytes }] = (
          await this.pool.query<{ bytes: string }>(
            `SELECT COALESCE(sum(pg_total_relation_size(inhrelid)), 0)::text AS bytes
               FROM pg_inherits WHERE inhparent = $1::regclass`,
            [table],
          )
        ).rows;
        const oldest = (await partitionsOf(this.pool, table)).find((p) => p.to !== null);
        return { table, bytes: Number(bytes), oldestPartitionStart: oldest ? (oldest.from ?? oldest.to) : null };
      }),
    );
  }
}
