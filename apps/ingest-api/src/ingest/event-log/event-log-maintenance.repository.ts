import { Inject, Injectable } from '@nestjs/common';
import { Pool } from 'pg';
import { PG_POOL } from '../../core/database/pg-pool.provider';

/** The time-partitioned tables' daily partitions ahead (events, dedup keys and the delivery audit tables). */
@Injectable()
export class EventLogMaintenanceRepository {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  async ensurePartitions(daysAhead: number): Promise<void> {
    await this.pool.query('SELECT ensure_event_partitions($1::int)', [daysAhead]);
    await this.pool.query('SELECT ensure_audit_partitions($1::int)', [daysAhead]);
  }
}
