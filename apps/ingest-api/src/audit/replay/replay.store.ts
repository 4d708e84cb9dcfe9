import { Pool } from 'pg';
import { replayDeliveriesCtes } from '@fsd/delivery-data';
import { EVENT_COLUMNS, EventRow } from '../common/audit.views';
import { eventConditions, whereClause } from '../common/event-filter';
import { LogPosition } from '../common/keyset-cursor';
import { SqlParams } from '../common/sql-params';
import { StoredReplayFilter } from './replay.dto';
import { ReplayMode } from './replay-mode';

export type ReplayStatus = 'running' | 'paused' | 'cancelled' | 'completed' | 'failed';

export interface ReplayRow {
  id: string;
  destination_id: string;
  filter: StoredReplayFilter;
  rate_per_second: number;
  mode: ReplayMode;
  status: ReplayStatus;
  matched: string | null;
  enqueued: string;
  delivered: string;
  failed: string;
  cursor: string | null;
  error: string | null;
  created_at: Date;
  updated_at: Date;
  finished_at: Date | null;
}

export const REPLAY_COLUMNS = `id::text AS id, destination_id::text AS destination_id, filter, rate_per_second, mode, status,
  matched::text AS matched, enqueued::text AS enqueued, delivered::text AS delivered, failed::text AS failed, cursor, error,
  created_at, updated_at, finished_at`;

/**
 * The replay's selection, as SQL conditions on events `e`. The dry run's COUNT, the real run's
 * `matched` and the walk itself all come from here, so they agree.
 */
export function replayConditions(destinationId: string, f: StoredReplayFilter, p: SqlParams): string[] {
  const where = eventConditions(
    {
      from: f.from,
      to: f.to,
      types: f.types,
      eventNames: f.eventNames,
      userIds: f.userIds,
      sourceIds: f.sourceIds,
      connectedTo: destinationId,
      replayDestinationId: destinationId,
      replayStatus: f.status,
    },
    p,
  );
  // Never the events of an erased (suppressed) user: their ids are now the keyed hashes the list holds.
  where.push(NOT_SUPPRESSED);
  return where;
}

export const NOT_SUPPRESSED = `NOT EXISTS (SELECT 1 FROM suppressed_identities si WHERE si.identity_hash IN (e.user_id, e.anonymous_id))`;

export async function countMatching(pool: Pool, destinationId: string, f: StoredReplayFilter): Promise<number> {
  const p = new SqlParams();
  const { rows } = await pool.query<{ n: string }>(
    `SELECT count(*)::text AS n FROM events e WHERE ${whereClause(replayConditions(destinationId, f, p))}`,
    p.values,
  );
  return Number(rows[0].n);
}

export async function sampleMatching(
  pool: Pool,
  destinationId: string,
  f: StoredReplayFilter,
  limit: number,
): Promise<EventRow[]> {
  const p = new SqlParams();
  const { rows } = await pool.query<EventRow>(
    `SELECT ${EVENT_COLUMNS} FROM events e WHERE ${whereClause(replayConditions(destinationId, f, p))}
      ORDER BY e.received_at, e.id LIMIT ${p.add(limit)}`,
    p.values,
  );
  return rows;
}

export interface PageResult {
  deliveryIds: string[];
  last?: LogPosition;
}

/**
 * One page of the walk, in one statement (one transaction): the next `size` matching events after
 * the cursor, oldest first; each one's delivery to the destination fetched or created (a delivery row
 * can be missing for an event received before its source was connected); the delivery moved to
 * 'pending' with its state change appended; the delivery remembered as this replay's; the replay's
 * `enqueued` count raised by the deliveries new to it (so a page repeated after a crash is not
 * counted twice). The caller enqueues the jobs and then moves the cursor.
 */
export async function claimPage(
  pool: Pool,
  replay: ReplayRow,
  after: LogPosition | undefined,
  size: number,
  /** A batch slice's claim on the page's deliveries (so the slice's run need not write them to claim them). */
  claim?: { token: string; leaseMs: number },
) {
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
  const { rows } = await pool.query<{ delivery_id: string; event_id: string; cursor_at: string }>(
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
     SELECT u.id::text AS delivery_id, page.id::text AS event_id, page.cursor_at
       FROM upserted u JOIN page ON page.id = u.event_id
      ORDER BY page.received_at, page.id`,
    p.values,
  );
  const lastRow = rows[rows.length - 1];
  return {
    deliveryIds: rows.map((r) => r.delivery_id),
    last: lastRow ? { receivedAt: lastRow.cursor_at, id: lastRow.event_id } : undefined,
  } satisfies PageResult;
}

export interface ReplayProgress {
  delivered: number;
  failed: number;
  skipped: number;
  inFlight: number;
}

/** Where the replay's deliveries stand now, from their statuses. */
export async function progressOf(pool: Pool, replayId: string): Promise<ReplayProgress> {
  const { rows } = await pool.query<{ delivered: string; failed: string; skipped: string; in_flight: string }>(
    `SELECT count(*) FILTER (WHERE d.status = 'delivered')::text AS delivered,
            count(*) FILTER (WHERE d.status = 'failed')::text AS failed,
            count(*) FILTER (WHERE d.status = 'skipped')::text AS skipped,
            count(*) FILTER (WHERE d.status IN ('pending', 'retrying'))::text AS in_flight
       FROM replay_deliveries rd JOIN deliveries d ON d.id = rd.delivery_id
      WHERE rd.replay_id = $1::bigint`,
    [replayId],
  );
  const r = rows[0];
  return {
    delivered: Number(r.delivered),
    failed: Number(r.failed),
    skipped: Number(r.skipped),
    inFlight: Number(r.in_flight),
  };
}

/**
 * Brings the delivered / failed counts stored on replays (what the list shows) to their deliveries' states, for
 * replays whose deliveries may still change: running or paused, or finished within the last day (retries of
 * their deliveries still settle). Returns how many rows changed.
 */
export async function refreshStoredProgress(pool: Pool): Promise<number> {
  const { rowCount } = await pool.query(
    `UPDATE replays r SET delivered = p.delivered, failed = p.failed
       FROM (SELECT rd.replay_id,
                    count(*) FILTER (WHERE d.status = 'delivered') AS delivered,
                    count(*) FILTER (WHERE d.status = 'failed') AS failed
               FROM replay_deliveries rd JOIN deliveries d ON d.id = rd.delivery_id
              WHERE rd.replay_id IN (SELECT id FROM replays
                                      WHERE status IN ('running', 'paused') OR finished_at > now() - interval '1 day')
              GROUP BY rd.replay_id) p
      WHERE r.id = p.replay_id AND (r.delivered, r.failed) IS DISTINCT FROM (p.delivered, p.failed)`,
  );
  return rowCount ?? 0;
}
