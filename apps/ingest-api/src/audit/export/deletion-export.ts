import { Pool } from 'pg';

const PAGE = 500;

interface DeletionExportRow {
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

/**
 * The deletion requests created in [from, to) as NDJSON lines `{"deletion": …}` after the events:
 * counts and per-destination FullStory deletions only (a deletion keeps no plain user id once done).
 */
export async function* deletionLines(pool: Pool, from: string, to: string): AsyncGenerator<string> {
  let after = '0';
  for (;;) {
    const { rows } = await pool.query<DeletionExportRow>(
      `SELECT x.id::text AS id, x.status, x.user_count, x.erased_events, x.erased_attempts, x.erased_rejected_events,
              x.created_at, x.finished_at,
              (SELECT json_agg(json_build_object('id', d.id::text, 'destinationId', d.destination_id, 'status', d.status)
                               ORDER BY d.id)
                 FROM deliveries d WHERE d.deletion_id = x.id) AS deliveries
         FROM deletions x
        WHERE x.created_at >= $1::timestamptz AND x.created_at < $2::timestamptz AND x.id > $3::bigint
        ORDER BY x.id LIMIT ${PAGE}`,
      [from, to, after],
    );
    if (rows.length === 0) return;
    yield rows
      .map(
        (r) =>
          `${JSON.stringify({
            deletion: {
              id: r.id,
              erasureStatus: r.status,
              users: r.user_count,
              erased: {
                events: Number(r.erased_events),
                attempts: Number(r.erased_attempts),
                rejectedEvents: Number(r.erased_rejected_events),
              },
              createdAt: r.created_at.toISOString(),
              finishedAt: r.finished_at?.toISOString() ?? null,
              deliveries: r.deliveries ?? [],
            },
          })}\n`,
      )
      .join('');
    if (rows.length < PAGE) return;
    after = rows[rows.length - 1].id;
  }
}
