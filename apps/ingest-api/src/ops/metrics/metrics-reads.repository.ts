import { Inject, Injectable } from '@nestjs/common';
import { Pool } from 'pg';
import { PG_POOL } from '../../core/database/pg-pool.provider';

export interface ReplayProgressRow {
  id: string;
  status: string;
  matched: string | null;
  enqueued: string | null;
  updated_epoch: number;
}

/** Days from today (UTC) to the last day the event log has a partition for; below 0 means today has none. */
const PARTITIONS_AHEAD_SQL = `
  SELECT (max(to_date(substring(c.relname FROM '^events_p(\\d{8})$'), 'YYYYMMDD'))
          - (now() AT TIME ZONE 'UTC')::date)::int AS days
    FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
   WHERE i.inhparent = 'events'::regclass AND c.relname ~ '^events_p\\d{8}$'`;

/**
 * The small reads behind the Prometheus gauges and the queue dashboard's list of queues (the main pool: each is one
 * short query per scrape or refresh).
 */
@Injectable()
export class MetricsReads {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  /** Every live destination's id, oldest first (archived ones receive nothing and leave the lists and /metrics). */
  async destinationIds(): Promise<string[]> {
    const { rows } = await this.pool.query<{ id: string }>(
      'SELECT id::text FROM destinations WHERE archived_at IS NULL ORDER BY created_at',
    );
    return rows.map((r) => r.id);
  }

  async pausedFlags(): Promise<{ id: string; paused: boolean }[]> {
    const { rows } = await this.pool.query<{ id: string; paused: boolean }>(
      'SELECT id::text, paused FROM destinations WHERE archived_at IS NULL',
    );
    return rows;
  }

  async replays(): Promise<ReplayProgressRow[]> {
    const { rows } = await this.pool.query<ReplayProgressRow>(
      `SELECT id::text, status::text, matched::text, enqueued::text,
              extract(epoch FROM updated_at)::float8 AS updated_epoch FROM replays`,
    );
    return rows;
  }

  /** Days ahead (UTC) the event log has daily partitions for, or null when it has none. */
  async partitionsAheadDays(): Promise<number | null> {
    const { rows } = await this.pool.query<{ days: number | null }>(PARTITIONS_AHEAD_SQL);
    return rows[0]?.days ?? null;
  }

  /** Seconds since the oldest remembered (source, messageId) was received; 0 when none is remembered. */
  async dedupOldestAgeSeconds(): Promise<number> {
    const { rows } = await this.pool.query<{ age: number | null }>(
      `SELECT extract(epoch FROM now() - min(received_at))::float8 AS age FROM event_dedup`,
    );
    return Math.max(0, rows[0]?.age ?? 0);
  }
}
