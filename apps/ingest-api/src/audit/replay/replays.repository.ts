import { Inject, Injectable } from '@nestjs/common';
import { Pool } from 'pg';
import { replayDeliveriesCtes } from '@fsd/delivery-data';
import { READ_POOL } from '../../core/database/read-pool.provider';
import { whereClause } from '../common/event-filter';
import { LogPosition } from '../common/keyset-cursor';
import { SqlParams } from '../common/sql-params';
import { StoredReplayFilter } from './replay.dto';
import { ReplayMode } from './replay-mode';
import { REPLAY_COLUMNS, ReplayRow, ReplayStatus, replayConditions, replayDeliveriesInWindow } from './replay.store';

export interface PageResult {
  deliveryIds: string[];
  /** Each delivery's logged_at (ISO 8601), in the order of deliveryIds. */
  loggedAts: string[];
  /** Each delivery's attempt count as the page took it (a replay job's attemptsBefore), in the same order. */
  attempts: number[];
  last?: LogPosition;
}

/**
 * The one writer of `replays` and `replay_deliveries` (the deliveries a page moves to pending go through
 * @fsd/delivery-data's CTEs): the API's changes, the runner's lease, pages and cursor, and the stored progress.
 * On the read pool, off the hot path.
 */
@Injectable()
export class ReplaysRepository {
  constructor(@Inject(READ_POOL) private readonly pool: Pool) {}

  async create(destinationId: string, filter: StoredReplayFilter, rate: number, mode: ReplayMode): Promise<ReplayRow> {
    const { rows } = await this.pool.query<ReplayRow>(
      `INSERT INTO replays (destination_id, filter, rate_per_second, mode, status)
       VALUES ($1::uuid, $2::jsonb, $3, $4, 'running')
       RETURNING ${REPLAY_COLUMNS}`,
      [destinationId, JSON.stringify(filter), rate, mode],
    );
    return rows[0];
  }

  /** Newest first. */
  async list(limit: number): Promise<ReplayRow[]> {
    const { rows } = await this.pool.query<ReplayRow>(
      `SELECT ${REPLAY_COLUMNS} FROM replays ORDER BY id DESC LIMIT $1`,
      [limit],
    );
    return rows;
  }

  async find(id: string): Promise<ReplayRow | undefined> {
    const { rows } = await this.pool.query<ReplayRow>(`SELECT ${REPLAY_COLUMNS} FROM replays WHERE id = $1::bigint`, [
      id,
    ]);
    return rows[0];
  }

  /** Moves the replay to `to` if it is still in one of `from` (compare and set); undefined when it was not. */
  async transition(id: string, from: ReplayStatus[], to: ReplayStatus): Promise<ReplayRow | undefined> {
    const { rows } = await this.pool.query<ReplayRow>(
      `UPDATE replays SET status = $2, updated_at = now(),
              finished_at = CASE WHEN $2 = 'cancelled' THEN now() ELSE finished_at END
        WHERE id = $1::bigint AND status = ANY($3::text[])
        RETURNING ${REPLAY_COLUMNS}`,
      [id, to, from],
    );
    return rows[0];
  }

  /** Running replays nobody else holds (at most 100, oldest first). */
  async unheld(owner: string): Promise<string[]> {
    const { rows } = await this.pool.query<{ id: string }>(
      `SELECT id::text AS id FROM replays
        WHERE status = 'running' AND (lease_until IS NULL OR lease_until < now() OR lease_owner = $1)
        ORDER BY id LIMIT 100`,
      [owner],
    );
    return rows.map((r) => r.id);
  }

  /** Takes or renews the lease; null when the replay is no longer running or another owner holds it. */
  async claim(id: string, owner: string, leaseMs: number): Promise<ReplayRow | null> {
    const { rows } = await this.pool.query<ReplayRow>(
      `UPDATE replays SET lease_owner = $2, lease_until = now() + make_interval(secs => $3::float / 1000)
        WHERE id = $1::bigint AND status = 'running'
          AND (lease_until IS NULL OR lease_until < now() OR lease_owner = $2)
        RETURNING ${REPLAY_COLUMNS}`,
      [id, owner, leaseMs],
    );
    return rows[0] ?? null;
  }

  async release(id: string, owner: string): Promise<void> {
    await this.pool.query(
      `UPDATE replays SET lease_owner = NULL, lease_until = NULL WHERE id = $1::bigint AND lease_owner = $2`,
      [id, owner],
    );
  }

  async releaseAll(owner: string): Promise<void> {
    await this.pool.query(`UPDATE replays SET lease_owner = NULL, lease_until = NULL WHERE lease_owner = $1`, [owner]);
  }

  async setMatched(id: string, matched: number): Promise<void> {
    await this.pool.query(`UPDATE replays SET matched = $2, updated_at = now() WHERE id = $1::bigint`, [id, matched]);
  }

  /** Moves the cursor after a page; `done` completes a running replay and hands its lease back. */
  async advance(id: string, cursor: string | null, done: boolean): Promise<void> {
    await this.pool.query(
      `UPDATE replays SET cursor = COALESCE($2, cursor), updated_at = now(),
              status = CASE WHEN $3 AND status = 'running' THEN 'completed' ELSE status END,
              finished_at = CASE WHEN $3 AND status = 'running' THEN now() ELSE finished_at END,
              lease_owner = CASE WHEN $3 THEN NULL ELSE lease_owner END,
              lease_until = CASE WHEN $3 THEN NULL ELSE lease_until END
        WHERE id = $1::bigint`,
      [id, cursor, done],
    );
  }

  async fail(id: string, error: string): Promise<void> {
    await this.pool.query(
      `UPDATE replays SET status = 'failed', error = $2, finished_at = now(), updated_at = now(),
              lease_owner = NULL, lease_until = NULL
        WHERE id = $1::bigint AND status = 'running'`,
      [id, error.slice(0, 2000)],
    );
  }

  /**
   * One page of the walk, in one statement (one transaction): the next `size` matching events after
   * the cursor, oldest first; each one's delivery to the destination fetched or created (a delivery row
   * can be missing for an event received before its source was connected); the delivery moved to
   * 'pending' with its state change appended; the delivery remembered as this replay's; the replay's
   * `enqueued` count raised by the deliveries new to it (so a page repeated after a crash is not
   * counted twice). The caller enqueues the jobs and then moves the cursor.
   */
  async claimPage(
    replay: ReplayRow,
    after: LogPosition | undefined,
    size: number,
    /** A batch slice's claim on the page's deliveries (so the slice's run need not write them to claim them). */
    claim?: { token: string; leaseMs: number },
  ): Promise<PageResult> {
    const p = new SqlParams();
    const where = replayConditions(replay.destination_id, replay.filter, p);
    if (after)
      where.push(`(e.received_at, e.id) > (${p.add(after.receivedAt)}::timestamptz, ${p.add(after.id)}::bigint)`);
    const dest = p.add(replay.destination_id);
    const rid = p.add(replay.id);
    const limit = p.add(size);
    // Checked in the statement itself: a pause or cancel that lands while the runner waits for
    // tokens stops the very next page.
    where.push(`EXISTS (SELECT 1 FROM replays r WHERE r.id = ${rid}::bigint AND r.status = 'running')`);
    const { rows } = await this.pool.query<{
      delivery_id: string;
      logged_at: Date;
      attempts: number;
      event_id: string;
      cursor_at: string;
    }>(
      // Walked per connected source along events (source_id, received_at, id), each walk stopping at the page's
      // size: one ordered scan over all sources read and sorted every matching event left, for every page.
      `WITH page AS (
         SELECT e.id, e.received_at, e.received_at::text AS cursor_at
           FROM destination_sources src
          CROSS JOIN LATERAL (
            SELECT e.id, e.received_at FROM events e
             WHERE e.source_id = src.source_id AND ${whereClause(where)}
             ORDER BY e.received_at, e.id LIMIT ${limit}
          ) e
          WHERE src.destination_id = ${dest}::uuid
          ORDER BY e.received_at, e.id LIMIT ${limit}
       ),
       ${replayDeliveriesCtes('page', dest, rid, claim && { token: p.add(claim.token), leaseMs: p.add(claim.leaseMs) })},
       remembered AS (
         INSERT INTO replay_deliveries (replay_id, delivery_id)
         SELECT ${rid}::bigint, u.id FROM upserted u ON CONFLICT DO NOTHING RETURNING 1
       ),
       counted AS (
         UPDATE replays SET enqueued = enqueued + (SELECT count(*) FROM remembered), updated_at = now()
          WHERE id = ${rid}::bigint
       )
       SELECT u.id::text AS delivery_id, u.logged_at, u.attempts, page.id::text AS event_id, page.cursor_at
         FROM upserted u JOIN page ON page.id = u.event_id
        ORDER BY page.received_at, page.id`,
      p.values,
    );
    const lastRow = rows[rows.length - 1];
    return {
      deliveryIds: rows.map((r) => r.delivery_id),
      loggedAts: rows.map((r) => r.logged_at.toISOString()),
      attempts: rows.map((r) => r.attempts),
      last: lastRow ? { receivedAt: lastRow.cursor_at, id: lastRow.event_id } : undefined,
    };
  }

  /**
   * Brings the delivered / failed counts stored on replays (what the list shows) to their deliveries' states, for
   * replays whose deliveries may still change: running or paused, or finished within the last day (retries of
   * their deliveries still settle). Returns how many rows changed. Each replay's count reads the partitions of its
   * window alone (replayDeliveriesInWindow), pruned by the executor per replay.
   */
  async refreshStoredProgress(): Promise<number> {
    const { rowCount } = await this.pool.query(
      `UPDATE replays r SET delivered = p.delivered, failed = p.failed
         FROM (SELECT live.id AS replay_id, c.delivered, c.failed
                 FROM replays live
                CROSS JOIN LATERAL (
                  SELECT count(*) FILTER (WHERE d.status = 'delivered') AS delivered,
                         count(*) FILTER (WHERE d.status = 'failed') AS failed
                    FROM ${replayDeliveriesInWindow('live.id', "(live.filter->>'from')", "(live.filter->>'to')")}) c
                WHERE live.status IN ('running', 'paused') OR live.finished_at > now() - interval '1 day') p
        WHERE r.id = p.replay_id AND (r.delivered, r.failed) IS DISTINCT FROM (p.delivered, p.failed)`,
    );
    return rowCount ?? 0;
  }
}
