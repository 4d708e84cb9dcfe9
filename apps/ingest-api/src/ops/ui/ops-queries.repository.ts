import { Inject, Injectable } from '@nestjs/common';
import { Pool } from 'pg';
import { attemptsFromLoggedTimes } from '@fsd/delivery-data';
import { PG_POOL } from '../../core/database/pg-pool.provider';
import { RejectedEventsFilter, listRejectedEvents } from '../../audit/rejected/rejected-events-reads.repository';
import { AttemptRecord, StateChangeRecord, TimelineRow, timelineRows } from './timeline-rows';

export interface WindowStats {
  delivered: number;
  retrying: number;
  failed: number;
  pending: number;
  p50Ms: number | null;
  p95Ms: number | null;
}

export interface DestinationOverview {
  id: string;
  name: string;
  enabled: boolean;
  /** Held by POST /admin/destinations/:id/pause. */
  paused: boolean;
  hour: WindowStats;
  day: WindowStats;
  failures: { reason: string; count: number }[];
}

const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));
const ms = (v: unknown): number | null => (v === null || v === undefined ? null : Math.round(Number(v)));

/**
 * Per destination, over events received in the last hour and day: delivery outcomes, p50/p95
 * end-to-end latency (received_at → delivered_at) and the commonest failure reasons. Driven from the
 * day-partitioned event log (received_at index) into deliveries by their (event_id, destination) key,
 * so the cost follows the window, not the size of the tables.
 */
export async function overview(pool: Pool): Promise<DestinationOverview[]> {
  const [destinations, stats, failures] = await Promise.all([
    pool.query<{ id: string; name: string; enabled: boolean; paused: boolean }>(
      // Archived destinations are gone from the overview; their audit stays on the event pages.
      'SELECT id::text, name, enabled, paused FROM destinations WHERE archived_at IS NULL ORDER BY name, id',
    ),
    pool.query(
      `WITH w AS (
         SELECT d.destination_id, d.status, e.received_at > now() - interval '1 hour' AS recent,
                extract(epoch FROM d.delivered_at - e.received_at) * 1000 AS latency
           FROM events e
           JOIN deliveries d ON d.event_id = e.id AND d.event_received_at = e.received_at
          WHERE e.received_at > now() - interval '1 day')
       SELECT destination_id::text AS id,
              count(*) FILTER (WHERE recent AND status = 'delivered') AS h_delivered,
              count(*) FILTER (WHERE recent AND status = 'retrying') AS h_retrying,
              count(*) FILTER (WHERE recent AND status = 'failed') AS h_failed,
              count(*) FILTER (WHERE recent AND status = 'pending') AS h_pending,
              percentile_cont(0.5) WITHIN GROUP (ORDER BY latency) FILTER (WHERE recent AND status = 'delivered') AS h_p50,
              percentile_cont(0.95) WITHIN GROUP (ORDER BY latency) FILTER (WHERE recent AND status = 'delivered') AS h_p95,
              count(*) FILTER (WHERE status = 'delivered') AS d_delivered,
              count(*) FILTER (WHERE status = 'retrying') AS d_retrying,
              count(*) FILTER (WHERE status = 'failed') AS d_failed,
              count(*) FILTER (WHERE status = 'pending') AS d_pending,
              percentile_cont(0.5) WITHIN GROUP (ORDER BY latency) FILTER (WHERE status = 'delivered') AS d_p50,
              percentile_cont(0.95) WITHIN GROUP (ORDER BY latency) FILTER (WHERE status = 'delivered') AS d_p95
         FROM w GROUP BY destination_id`,
    ),
    pool.query<{ id: string; reason: string; n: string }>(
      `SELECT id, reason, n FROM (
         SELECT destination_id::text AS id, left(last_error, 300) AS reason, count(*) AS n,
                row_number() OVER (PARTITION BY destination_id ORDER BY count(*) DESC) AS rank
           FROM deliveries
          WHERE status IN ('failed', 'retrying') AND last_error IS NOT NULL
            AND updated_at > now() - interval '1 day'
          GROUP BY destination_id, left(last_error, 300)) t
        WHERE rank <= 5 ORDER BY id, n DESC`,
    ),
  ]);
  const byId = new Map<string, Record<string, unknown>>(
    stats.rows.map((r: Record<string, unknown>) => [String(r.id), r]),
  );
  return destinations.rows.map((d) => {
    const s = byId.get(d.id) ?? {};
    const win = (p: 'h' | 'd'): WindowStats => ({
      delivered: num(s[`${p}_delivered`]),
      retrying: num(s[`${p}_retrying`]),
      failed: num(s[`${p}_failed`]),
      pending: num(s[`${p}_pending`]),
      p50Ms: ms(s[`${p}_p50`]),
      p95Ms: ms(s[`${p}_p95`]),
    });
    return {
      ...d,
      hour: win('h'),
      day: win('d'),
      failures: failures.rows.filter((f) => f.id === d.id).map((f) => ({ reason: f.reason, count: Number(f.n) })),
    };
  });
}

export interface EventHit {
  id: string;
  receivedAt: string;
  messageId: string;
  type: string;
  eventName: string | null;
  userId: string | null;
  anonymousId: string | null;
  sourceId: string;
}

/** Events whose messageId, userId or anonymousId is exactly `q` (newest first, at most 20). */
export async function searchEvents(pool: Pool, q: string): Promise<EventHit[]> {
  const { rows } = await pool.query<EventHit>(
    `SELECT id::text, received_at AS "receivedAt", message_id AS "messageId", type, event_name AS "eventName",
            user_id AS "userId", anonymous_id AS "anonymousId", source_id::text AS "sourceId"
       FROM events WHERE message_id = $1 OR user_id = $1 OR anonymous_id = $1
      ORDER BY received_at DESC, id DESC LIMIT 20`,
    [q],
  );
  return rows;
}

/**
 * An event's history: its receipt, then every delivery state change and attempt, in time order. Looked up in the
 * partitions they can be in: its deliveries and their state changes are filed under the event's received_at (in
 * full, as text: a Date keeps milliseconds), its attempts started after it (less the clocks' skew); by ids alone,
 * every partition the retention keeps was probed.
 */
export async function eventTimeline(
  pool: Pool,
  eventId: string,
): Promise<{ event: EventHit; rows: TimelineRow[] } | null> {
  const found = await pool.query<EventHit & { loggedAt: string }>(
    `SELECT id::text, received_at AS "receivedAt", message_id AS "messageId", type, event_name AS "eventName",
            user_id AS "userId", anonymous_id AS "anonymousId", source_id::text AS "sourceId",
            received_at::text AS "loggedAt"
       FROM events WHERE id = $1`,
    [eventId],
  );
  if (!found.rows[0]) return null;
  const { loggedAt, ...event } = found.rows[0];
  const [states, attempts] = await Promise.all([
    pool.query<StateChangeRecord>(
      `SELECT c.at, c.delivery_id::text AS delivery, t.name AS destination, c.from_status, c.to_status, c.reason
         FROM deliveries d JOIN destinations t ON t.id = d.destination_id
         JOIN delivery_state_changes c ON c.delivery_id = d.id AND c.delivery_logged_at = d.logged_at
        WHERE d.event_id = $1 AND d.logged_at = $2::timestamptz`,
      [event.id, loggedAt],
    ),
    pool.query<AttemptRecord>(
      `SELECT a.started_at AS at, a.delivery_id::text AS delivery, t.name AS destination, a.attempt_number,
              a.trigger, a.action, a.subscription_id, a.request_method, a.request_url, a.response_status,
              a.latency_ms, a.decision, a.error_class, a.error_message, a.retry_at, a.skip_reason
         FROM deliveries d JOIN destinations t ON t.id = d.destination_id
         JOIN delivery_attempts a ON a.delivery_id = d.id AND a.started_at >= $3::timestamptz
        WHERE d.event_id = $1 AND d.logged_at = $2::timestamptz`,
      [event.id, loggedAt, attemptsFromLoggedTimes([loggedAt])],
    ),
  ]);
  const rows = timelineRows(event, states.rows, attempts.rows);
  return { event, rows };
}

/** The operations pages' reads, on the hot path's pool (small, indexed queries). */
@Injectable()
export class OpsQueries {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  overview(): Promise<DestinationOverview[]> {
    return overview(this.pool);
  }

  searchEvents(q: string): Promise<EventHit[]> {
    return searchEvents(this.pool, q);
  }

  eventTimeline(id: string) {
    return eventTimeline(this.pool, id);
  }

  /**
   * Every source, for the rejected-events page's filter. Archived ones stay (their rejected events are kept for
   * audit), named as archived and listed last.
   */
  async sourceOptions(): Promise<{ id: string; name: string }[]> {
    const { rows } = await this.pool.query<{ id: string; name: string }>(
      `SELECT id::text AS id, name || CASE WHEN archived_at IS NULL THEN '' ELSE ' (archived)' END AS name
         FROM sources ORDER BY archived_at IS NOT NULL, name, id`,
    );
    return rows;
  }

  rejectedEvents(filter: RejectedEventsFilter) {
    return listRejectedEvents(this.pool, filter);
  }
}
