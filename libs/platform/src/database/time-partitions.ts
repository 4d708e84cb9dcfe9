/**
 * The range partitions of the time-partitioned tables (daily: events, deliveries, delivery_attempts,
 * delivery_state_changes; weekly: event_dedup; migrations 1764300000000 and 1764700000000): created ahead, dropped
 * whole once past retention. Each table's owner calls these for its own tables.
 */
export interface PartitionSql {
  query<R = Record<string, unknown>>(sql: string, values?: unknown[]): Promise<{ rows: R[] }>;
}

export interface PartitionRange {
  name: string;
  /** Start of the partition's range; null for the legacy partition (from MINVALUE). */
  from: Date | null;
  /** End (exclusive); null for a DEFAULT partition, which is never dropped. */
  to: Date | null;
}

/** The partitions of `parent`, oldest first (bounds read from the catalog, not from names). */
export async function partitionsOf(db: PartitionSql, parent: string): Promise<PartitionRange[]> {
  const { rows } = await db.query<{ name: string; from: Date | null; to: Date | null }>(
    `SELECT c.relname AS name,
            substring(pg_get_expr(c.relpartbound, c.oid) FROM 'FROM \\(''([^'']+)''\\)')::timestamptz AS "from",
            substring(pg_get_expr(c.relpartbound, c.oid) FROM 'TO \\(''([^'']+)''\\)')::timestamptz AS "to"
       FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
      WHERE i.inhparent = $1::regclass
      ORDER BY 3 NULLS LAST`,
    [parent],
  );
  return rows;
}

/** Creates the daily partitions of `parent` from `first` to `last` (UTC days, inclusive) that do not exist yet. */
export async function ensureDailyPartitions(db: PartitionSql, parent: string, first: Date, last: Date): Promise<void> {
  await db.query('SELECT ensure_time_partitions($1, $2::date, $3::date)', [parent, utcDay(first), utcDay(last)]);
}

/** Creates the weekly partitions (ISO weeks, UTC) of `parent` touching `first`..`last` that do not exist yet. */
export async function ensureWeeklyPartitions(db: PartitionSql, parent: string, first: Date, last: Date): Promise<void> {
  await db.query('SELECT ensure_week_partitions($1, $2::date, $3::date)', [parent, utcDay(first), utcDay(last)]);
}

/**
 * Drops the partitions of `parent` that end at or before `cutoff` (every row in them is older). A drop waits at
 * most 5 s for the parent's lock (a long query reading it), else it is left for the next run: ingest never queues
 * behind the retention job for long. Returns the partitions dropped.
 */
export async function dropPartitionsEndingBy(db: PartitionSql, parent: string, cutoff: Date): Promise<string[]> {
  const expired = (await partitionsOf(db, parent)).filter((p) => p.to !== null && p.to.getTime() <= cutoff.getTime());
  const dropped: string[] = [];
  for (const p of expired) {
    await db.query(`SELECT drop_time_partition($1, $2)`, [parent, p.name]);
    dropped.push(p.name);
  }
  return dropped;
}

/** 'YYYY-MM-DD' of the UTC day of `t`. */
export function utcDay(t: Date): string {
  return t.toISOString().slice(0, 10);
}

/** Midnight UTC of the day of `t`. */
export function startOfUtcDay(t: Date): Date {
  return new Date(Date.UTC(t.getUTCFullYear(), t.getUTCMonth(), t.getUTCDate()));
}
