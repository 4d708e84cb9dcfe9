import { rowsOf, type SqlExecutor } from './sql-executor';

/** Deletion deliveries rewritten per call: one short transaction. */
export const FORGET_DELETION_USERS_BATCH = 500;

/**
 * Replaces the plain user id of deletion deliveries that have ended (delivered, failed permanently or skipped) by
 * its keyed hash, on the delivery and in its attempts' request URLs (`?uid=`) and response bodies. Until then the
 * id is needed to build the DELETE request. Only deletions whose erasure has already suppressed the user (past its
 * link phase) are rewritten, so the hash left behind is the one suppression matches. Must run in a transaction
 * (the attempts' guard lets the rewrite through only with fsd.erasure on in it). Returns the deliveries rewritten.
 */
export async function forgetEndedDeletionUsers(
  db: SqlExecutor,
  hash: (userId: string) => string,
  limit = FORGET_DELETION_USERS_BATCH,
): Promise<number> {
  const ended = rowsOf<{ id: string; u: string }>(
    await db.query(
      `SELECT d.id::text AS id, d.deletion_user_id AS u FROM deliveries d JOIN deletions x ON x.id = d.deletion_id
        WHERE d.kind = 'deletion' AND d.deletion_user_id NOT LIKE 'erased:%'
          AND d.status IN ('delivered', 'failed', 'skipped') AND x.phase <> 'link'
        ORDER BY d.id LIMIT $1 FOR UPDATE OF d SKIP LOCKED`,
      [limit],
    ),
  );
  if (ended.length === 0) return 0;
  const hashes = ended.map((r) => hash(r.u));
  await db.query(`SELECT set_config('fsd.erasure', 'on', true)`);
  await db.query(
    `WITH m AS (SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[]) AS m(id, u, h, eu, eh)),
     att AS (
       UPDATE delivery_attempts a
          SET request_url = regexp_replace(a.request_url, '([?&]uid=)[^&#]*', '\\1' || m.eh),
              response_body = replace(replace(a.response_body, m.u, m.h), m.eu, m.eh)
         FROM m WHERE a.delivery_id = m.id
     )
     UPDATE deliveries d SET deletion_user_id = m.h FROM m WHERE d.id = m.id AND d.deletion_user_id = m.u`,
    [
      ended.map((r) => r.id),
      ended.map((r) => r.u),
      hashes,
      ended.map((r) => encodeURIComponent(r.u)),
      hashes.map(encodeURIComponent),
    ],
  );
  return ended.length;
}
