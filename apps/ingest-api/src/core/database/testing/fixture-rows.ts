import type { Pool } from 'pg';

/** Rows for the repositories' specs, inserted directly (the specs assert what the repositories read or write). */
export function fixtureRows(pool: Pool) {
  const id = async (sql: string, values: unknown[]): Promise<string> =>
    (await pool.query<{ id: string }>(sql, values)).rows[0].id;
  return {
    source: (name: string, archived = false) =>
      id(
        `INSERT INTO sources (name, write_key_hash, write_key_hint, archived_at)
         VALUES ($1, 'hash-' || $1, 'hint', CASE WHEN $2 THEN now() END) RETURNING id::text`,
        [name, archived],
      ),
    destination: (name: string, opts: { paused?: boolean; archived?: boolean; sourceIds?: string[] } = {}) =>
      id(
        `WITH d AS (
           INSERT INTO destinations (name, api_key_encrypted, paused, archived_at)
           VALUES ($1, 'sealed', $2, CASE WHEN $3 THEN now() END) RETURNING id),
         l AS (INSERT INTO destination_sources (destination_id, source_id) SELECT d.id, unnest($4::uuid[]) FROM d)
         SELECT id::text FROM d`,
        [name, opts.paused ?? false, opts.archived ?? false, opts.sourceIds ?? []],
      ),
    event: (
      sourceId: string,
      receivedAt: string,
      messageId: string,
      opts: { type?: string; event?: string; userId?: string } = {},
    ) =>
      id(
        `INSERT INTO events (received_at, source_id, message_id, type, event_name, user_id, "timestamp", payload, raw)
         VALUES ($1, $2, $3, $4, $5, $6, $1, $7, '{"raw":true}') RETURNING id::text`,
        [
          receivedAt,
          sourceId,
          messageId,
          opts.type ?? 'track',
          opts.event ?? null,
          opts.userId ?? null,
          JSON.stringify({ messageId }),
        ],
      ),
    /** `count` track events of one user, 100 µs apart from an hour ago (a log for the plan specs). */
    oneUserEvents: async (sourceId: string, count: number): Promise<void> => {
      await pool.query(
        `INSERT INTO events (received_at, source_id, message_id, type, event_name, user_id, "timestamp", payload, raw)
         SELECT now() - interval '1 hour' + g * interval '100 microseconds', $1::uuid, 'm' || g, 'track',
                'Order Placed', 'the-one-user', now(), '{}', '{}'
           FROM generate_series(1, $2::int) AS g`,
        [sourceId, count],
      );
    },
    delivery: (eventId: string | null, receivedAt: string | null, destinationId: string, status: string) =>
      id(
        `INSERT INTO deliveries (event_id, event_received_at, logged_at, destination_id, status)
         VALUES ($1, $2, COALESCE($2::timestamptz, now()), $3, $4)
         RETURNING id::text`,
        [eventId, receivedAt, destinationId, status],
      ),
    attempt: (deliveryId: string, attemptNumber: number, decision: string) =>
      id(
        `INSERT INTO delivery_attempts (delivery_id, attempt_number, trigger, started_at, finished_at, decision)
         VALUES ($1, $2, 'live', now(), now(), $3) RETURNING id::text`,
        [deliveryId, attemptNumber, decision],
      ),
    stateChange: (deliveryId: string, from: string | null, to: string, reason: string) =>
      id(
        `INSERT INTO delivery_state_changes (delivery_id, delivery_logged_at, from_status, to_status, reason)
         SELECT $1, d.logged_at, $2, $3, $4 FROM deliveries d WHERE d.id = $1::bigint RETURNING id::text`,
        [deliveryId, from, to, reason],
      ),
  };
}
