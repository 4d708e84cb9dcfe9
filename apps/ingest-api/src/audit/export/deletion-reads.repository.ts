import { Inject, Injectable } from '@nestjs/common';
import { Pool } from 'pg';
import { READ_POOL } from '../../core/database/read-pool.provider';

export interface DeletionExportRow {
  id: string;
  status: string;
  user_count: number;
  erased_events: string;
  erased_attempts: string;
  erased_rejected_events: string;
  created_at: Date;
  finished_at: Date | null;
  deliveries: { id: string; destinationId: string; status: string }[] | null;
}

/** The export's read of deletion requests (read pool): counts and per-destination deliveries, never user ids. */
@Injectable()
export class DeletionReads {
  constructor(@Inject(READ_POOL) private readonly pool: Pool) {}

  /** Up to `limit` deletions created in [from, to) with an id above `after`, in id order. */
  async createdBetween(from: string, to: string, after: string, limit: number): Promise<DeletionExportRow[]> {
    const { rows } = await this.pool.query<DeletionExportRow>(
      `SELECT x.id::text AS id, x.status, x.user_count, x.erased_events, x.erased_attempts, x.erased_rejected_events,
              x.created_at, x.finished_at,
              (SELECT json_agg(json_build_object('id', d.id::text, 'destinationId', d.destination_id, 'status', d.status)
                               ORDER BY d.id)
                 FROM deliveries d WHERE d.deletion_id = x.id) AS deliveries
         FROM deletions x
        WHERE x.created_at >= $1::timestamptz AND x.created_at < $2::timestamptz AND x.id > $3::bigint
        ORDER BY x.id LIMIT $4`,
      [from, to, after, limit],
    );
    return rows;
  }
}
