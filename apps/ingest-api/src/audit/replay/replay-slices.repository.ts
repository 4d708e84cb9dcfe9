import { Inject, Injectable } from '@nestjs/common';
import { Pool } from 'pg';
import { failOpenDeliveries } from '@fsd/delivery-data';
import { inTransaction } from '@fsd/platform';
import { READ_POOL } from '../../core/database/read-pool.provider';

export interface OpenSlice {
  replayId: string;
  destinationId: string;
  slice: string;
  generation: number;
  replayStatus: string;
}

/** The one writer of replay_slices: the slices the replay runner hands to the batch executor. */
@Injectable()
export class ReplaySliceRepository {
  constructor(@Inject(READ_POOL) private readonly pool: Pool) {}

  /** Remembers a slice before its job is added: a page claimed again after a crash is the same slice (no-op). */
  async recordSlice(replayId: string, slice: string, deliveryIds: string[]): Promise<void> {
    await this.pool.query(
      `INSERT INTO replay_slices (replay_id, slice, delivery_ids) VALUES ($1::bigint, $2, $3::bigint[])
       ON CONFLICT (replay_id, slice) DO NOTHING`,
      [replayId, slice, deliveryIds],
    );
  }

  /**
   * Open slices not checked for `graceMs` (a slice just enqueued, or just re-run, is left alone meanwhile) of
   * replays whose slices should run: not paused (a paused slice's job stops; resume brings it back here) and not
   * cancelled (the outbox relay serves a cancelled replay's open deliveries).
   */
  async dueSlices(graceMs: number, limit: number): Promise<OpenSlice[]> {
    const { rows } = await this.pool.query<{
      replay_id: string;
      destination_id: string;
      slice: string;
      generation: number;
      replay_status: string;
    }>(
      `SELECT s.replay_id::text, r.destination_id::text, s.slice, s.generation, r.status AS replay_status
         FROM replay_slices s JOIN replays r ON r.id = s.replay_id
        WHERE s.status = 'open' AND s.checked_at < now() - make_interval(secs => $1::float / 1000)
          AND r.status IN ('running', 'completed', 'failed')
        ORDER BY s.checked_at LIMIT $2`,
      [graceMs, limit],
    );
    return rows.map((r) => ({
      replayId: r.replay_id,
      destinationId: r.destination_id,
      slice: r.slice,
      generation: r.generation,
      replayStatus: r.replay_status,
    }));
  }

  /** The slice's deliveries still pending or retrying, leaving out those a later replay took over. */
  async openCount(s: { replayId: string; slice: string }): Promise<number> {
    const { rows } = await this.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM replay_slices s, deliveries d
        WHERE s.replay_id = $1::bigint AND s.slice = $2
          AND d.id = ANY(s.delivery_ids) AND d.status IN ('pending', 'retrying')
          AND NOT EXISTS (SELECT 1 FROM replay_deliveries rd WHERE rd.delivery_id = d.id AND rd.replay_id > s.replay_id)`,
      [s.replayId, s.slice],
    );
    return rows[0].n;
  }

  async sliceDeliveryIds(s: { replayId: string; slice: string }): Promise<string[]> {
    const { rows } = await this.pool.query<{ ids: string[] }>(
      `SELECT delivery_ids::text[] AS ids FROM replay_slices WHERE replay_id = $1::bigint AND slice = $2`,
      [s.replayId, s.slice],
    );
    return rows[0]?.ids ?? [];
  }

  /** Checked: not looked at again before the grace period passes. */
  async touchSlice(s: { replayId: string; slice: string }): Promise<void> {
    await this.pool.query(`UPDATE replay_slices SET checked_at = now() WHERE replay_id = $1::bigint AND slice = $2`, [
      s.replayId,
      s.slice,
    ]);
  }

  async settleSlice(s: { replayId: string; slice: string }): Promise<void> {
    await this.pool.query(
      `UPDATE replay_slices SET status = 'settled', checked_at = now() WHERE replay_id = $1::bigint AND slice = $2`,
      [s.replayId, s.slice],
    );
  }

  /**
   * Moves the slice to its next generation if no other instance did first (compare and set on the generation):
   * true when this caller is the one to add the new job.
   */
  async nextGeneration(s: OpenSlice, why: string): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      `UPDATE replay_slices SET generation = generation + 1, error = $4, checked_at = now()
        WHERE replay_id = $1::bigint AND slice = $2 AND generation = $3 AND status = 'open'`,
      [s.replayId, s.slice, s.generation, why],
    );
    return rowCount === 1;
  }

  /** Ends the slice failed and its open deliveries with it (their state change names the reason), at once. */
  async failSlice(s: OpenSlice, reason: string): Promise<number> {
    return inTransaction(this.pool, 'BEGIN', async (client) => {
      const { rows } = await client.query<{ ids: string[] }>(
        `UPDATE replay_slices SET status = 'failed', error = $4, checked_at = now()
          WHERE replay_id = $1::bigint AND slice = $2 AND generation = $3 AND status = 'open'
          RETURNING delivery_ids::text[] AS ids`,
        [s.replayId, s.slice, s.generation, reason],
      );
      return rows.length === 0 ? 0 : failOpenDeliveries(client, rows[0].ids, reason);
    });
  }
}
