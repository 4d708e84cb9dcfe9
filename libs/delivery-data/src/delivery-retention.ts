import { dropPartitionsEndingBy, ensureDailyPartitions, type PartitionSql } from '@fsd/platform';

/**
 * Audit retention of the delivery tables (this library is their one writer, also of their partitions): whole
 * daily partitions dropped, never rows deleted. deliveries are partitioned by logged_at (their event's reception),
 * state changes by their delivery's logged_at (so they go together) and attempts by started_at (at or after their
 * delivery's logged_at): with one cutoff for the three, a delivery's audit goes with it or after it, never before.
 */
export const DELIVERY_AUDIT_TABLES = ['deliveries', 'delivery_attempts', 'delivery_state_changes'] as const;

/** Drops the partitions of the audit tables that end at or before `cutoff`; returns their names. */
export async function dropDeliveryAuditBefore(db: PartitionSql, cutoff: Date): Promise<string[]> {
  const dropped: string[] = [];
  // Deliveries first: a reader never sees a delivery whose attempts are already gone.
  for (const table of DELIVERY_AUDIT_TABLES) dropped.push(...(await dropPartitionsEndingBy(db, table, cutoff)));
  return dropped;
}

/** Creates the audit tables' daily partitions from `first` to `last` (UTC days) that do not exist yet. */
export async function ensureDeliveryAuditPartitions(db: PartitionSql, first: Date, last: Date): Promise<void> {
  for (const table of DELIVERY_AUDIT_TABLES) await ensureDailyPartitions(db, table, first, last);
}

/**
 * The delivery funnel's counters of hours before `cutoff` go with the audit (a small table: one row per
 * destination, hour, stage and shard, so a plain delete). Returns the rows deleted.
 */
export async function pruneFunnelBefore(db: PartitionSql, cutoff: Date): Promise<number> {
  const { rows } = await db.query<{ n: string }>(
    `WITH gone AS (DELETE FROM delivery_funnel_hourly WHERE hour < $1 RETURNING 1) SELECT count(*)::text AS n FROM gone`,
    [cutoff],
  );
  return Number(rows[0].n);
}
