import { Inject, Injectable } from '@nestjs/common';
import { Pool } from 'pg';
import { fanOutDeliveriesCte } from '@fsd/delivery-data';
import { mayHoldUnstorableEscape, storableText, storableTextOrNull } from '@fsd/platform';
import { PG_POOL } from '../../core/database/pg-pool.provider';

/** The text columns may hold any string: the repository escapes what Postgres `text` cannot hold (storable-text.ts). */
export interface EventRow {
  sourceId: string;
  messageId: string;
  type: string;
  eventName: string | null;
  userId: string | null;
  anonymousId: string | null;
  timestamp: string;
  receivedAt: string;
  /** The normalised event; serialised once, with the whole group, into one JSON parameter. */
  payload: unknown;
  raw: unknown;
}

export interface CreatedDelivery {
  deliveryId: string;
  destinationId: string;
  /** Its logged_at: its event's received_at, as written. */
  loggedAt: string;
}

export interface AppendedEvent {
  eventId: string;
  /** The event's index in the appended rows (the first copy of its messageId). */
  ordinal: number;
  deliveries: CreatedDelivery[];
}

/**
 * A named (prepared) statement: Postgres parses and plans it once per connection instead of on
 * every commit, which at small group sizes costs more than the inserts themselves.
 */
const GROUP_COMMIT_SQL = `WITH input AS (
     SELECT x.s AS source_id, x.m AS message_id, x.t AS type, x.e AS event_name, x.u AS user_id,
            x.a AS anonymous_id, x.ts, x.r AS received_at, COALESCE(x.p, x.pt::json) AS payload,
            COALESCE(x.w, x.wt::json) AS raw, x.o AS ord
       FROM json_to_recordset($1::json)
         AS x(s uuid, m text, t text, e text, u text, a text, ts timestamptz, r timestamptz, p json, w json,
              pt text, wt text, o int)
   ),
   firsts AS (
     SELECT DISTINCT ON (source_id, message_id) * FROM input ORDER BY source_id, message_id, ord
   ),
   keyed AS (
     SELECT f.source_id, f.message_id, f.received_at, f.ord, nextval('events_id_seq') AS event_id
       FROM (SELECT * FROM firsts ORDER BY ord) f
   ),
   dedup AS (
     SELECT c.source_id, c.message_id, c.event_id FROM claim_dedup_keys(
       (SELECT json_agg(json_build_object('s', source_id, 'm', message_id, 'e', event_id, 'r', received_at, 'o', ord))
          FROM keyed)) c
   ),
   ins AS (
     INSERT INTO events (id, received_at, source_id, message_id, type, event_name, user_id, anonymous_id, "timestamp", payload, raw)
     SELECT d.event_id, f.received_at, f.source_id, f.message_id, f.type, f.event_name, f.user_id, f.anonymous_id, f.ts, f.payload, f.raw
     FROM firsts f JOIN dedup d ON d.source_id = f.source_id AND d.message_id = f.message_id
     RETURNING id, source_id, message_id, received_at
   ),
   ${fanOutDeliveriesCte('ins')}
   SELECT 'e' AS k, f.source_id::text, f.message_id, d.event_id::text AS id, NULL AS dest, f.ord
     FROM dedup d JOIN firsts f ON f.source_id = d.source_id AND f.message_id = d.message_id
   UNION ALL
   SELECT 'd', NULL, NULL, deliv.event_id::text, deliv.id::text || ':' || deliv.destination_id::text, NULL FROM deliv`;

/** The group as one JSON parameter: no per-value array escaping, and Postgres keeps the json text of payload and raw. */
function groupJson(rows: EventRow[]): string {
  return JSON.stringify(
    rows.map((r, ord) => ({
      s: r.sourceId,
      m: r.messageId,
      t: r.type,
      e: r.eventName,
      u: r.userId,
      a: r.anonymousId,
      ts: r.timestamp,
      r: r.receivedAt,
      p: r.payload,
      w: r.raw,
      o: ord,
    })),
  );
}

/**
 * The group for when it holds NUL or a lone surrogate: text columns escaped (storableText), payload and raw
 * as JSON text inside a string (`pt`, `wt`), which json_to_recordset returns without de-escaping it.
 */
function storableGroupJson(rows: EventRow[]): string {
  return JSON.stringify(
    rows.map((r, ord) => ({
      s: r.sourceId,
      m: storableText(r.messageId),
      t: r.type,
      e: storableTextOrNull(r.eventName),
      u: storableTextOrNull(r.userId),
      a: storableTextOrNull(r.anonymousId),
      ts: r.timestamp,
      r: r.receivedAt,
      pt: JSON.stringify(r.payload),
      wt: JSON.stringify(r.raw),
      o: ord,
    })),
  );
}

/**
 * The one writer of `events` (appended; an erasure rewrites rows in place, DeletionsRepository) and `event_dedup`:
 * the statement deduplicates on (source, messageId) across the dedup table's partitions (claim_dedup_keys, migration
 * 1764700000000: a lock per key, then a lookup that sees what the lock's previous holder committed), appends to the
 * event log and creates one delivery per enabled destination of the source (the transactional outbox,
 * @fsd/delivery-data's CTE), atomically. Hot-path pool.
 */
@Injectable()
export class EventLogRepository {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  /**
   * Appends the group in one statement (one transaction); the first copy of each (source, messageId) new to the log,
   * keyed by source and messageId as stored, with its position in `rows` and its deliveries.
   */
  async append(rows: EventRow[]): Promise<Map<string, AppendedEvent>> {
    let input = groupJson(rows);
    // json_to_recordset cannot de-escape \u0000 or a lone surrogate at any depth of its input, and text
    // columns cannot hold them: a scan of the serialised group (negligible next to serialising it) tells
    // whether one may be there (rare), and only then is the group serialised again in the storable form.
    if (mayHoldUnstorableEscape(input)) input = storableGroupJson(rows);
    const result = await this.pool.query<{
      k: string;
      source_id: string;
      message_id: string;
      id: string;
      dest: string | null;
      ord: number;
    }>({ name: 'event-log-group-commit', text: GROUP_COMMIT_SQL, values: [input] });
    const byKey = new Map<string, AppendedEvent>();
    const byEvent = new Map<string, { deliveries: CreatedDelivery[]; receivedAt: string }>();
    for (const row of result.rows) {
      if (row.k === 'e') {
        const deliveries: CreatedDelivery[] = [];
        byEvent.set(row.id, { deliveries, receivedAt: rows[row.ord].receivedAt });
        byKey.set(`${row.source_id}\u0000${row.message_id}`, { eventId: row.id, ordinal: row.ord, deliveries });
      }
    }
    for (const row of result.rows) {
      if (row.k === 'd' && row.dest) {
        const sep = row.dest.indexOf(':');
        const event = byEvent.get(row.id);
        event?.deliveries.push({
          deliveryId: row.dest.slice(0, sep),
          destinationId: row.dest.slice(sep + 1),
          loggedAt: event.receivedAt,
        });
      }
    }
    return byKey;
  }
}
