import { Inject, Injectable } from '@nestjs/common';
import { Pool } from 'pg';
import { PG_POOL } from '../../core/database/pg-pool.provider';

export interface OpenDelivery {
  id: string;
  destination_id: string;
  /** The replay (not cancelled) that last put the delivery back to pending: its job `d<id>-r<replayId>` serves it. */
  replay_id: string | null;
}

/** The outbox relay's read: open deliveries past their grace period, walked by id. Hot-path pool, reads only. */
@Injectable()
export class OpenDeliveriesRepository {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  /** The next `limit` open deliveries after `after` (by id) not updated for `graceMs`, outside batch replays. */
  async after(after: string, graceMs: number, limit: number): Promise<OpenDelivery[]> {
    const { rows } = await this.pool.query<OpenDelivery>(
      `SELECT d.id::text, d.destination_id::text, r.replay_id::text FROM deliveries d
         LEFT JOIN LATERAL (
           SELECT rd.replay_id, rp.mode FROM replay_deliveries rd JOIN replays rp ON rp.id = rd.replay_id
            WHERE rd.delivery_id = d.id AND rp.status <> 'cancelled' ORDER BY rd.replay_id DESC LIMIT 1
         ) r ON true
        WHERE d.status IN ('pending', 'retrying') AND d.updated_at < now() - make_interval(secs => $1::float / 1000)
          AND d.id > $2::bigint
          -- A batch-mode replay's deliveries travel in its slice jobs (batch-replay queue), not as delivery jobs.
          AND r.mode IS DISTINCT FROM 'batch'
        ORDER BY d.id LIMIT $3`,
      [graceMs, after, limit],
    );
    return rows;
  }
}
