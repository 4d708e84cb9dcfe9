import { Inject, Injectable } from '@nestjs/common';
import { Pool } from 'pg';
import { PG_POOL } from '../../core/database/pg-pool.provider';

/** The event log's upkeep: partitions ahead, and the dedup keys past their window forgotten (in bounded slices). */
@Injectable()
export class EventLogMaintenanceRepository {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  async ensurePartitions(daysAhead: number): Promise<void> {
    await this.pool.query('SELECT ensure_event_partitions($1::int)', [daysAhead]);
  }

  async forgetDedupKeysOlderThan(days: number): Promise<void> {
    await this.pool.query(
      `DELETE FROM event_dedup WHERE ctid IN (
         SELECT ctid FROM event_dedup WHERE received_at < now() - make_interval(days => $1) LIMIT 50000)`,
      [days],
    );
  }
}
