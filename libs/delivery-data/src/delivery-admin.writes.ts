import { countedStageSql, funnelCountsCte } from './delivery-funnel';
import { rowsOf, type SqlExecutor } from './sql-executor';

/**
 * The ingest API's own writes of deliveries and delivery_state_changes (the worker's are DeliveryRepository's).
 * Each runs on the caller's transaction, so it commits with the change that caused it.
 */

/**
 * Ends a destination's open deliveries as skipped, each with its state change and its move in the delivery
 * funnel (archiving the destination).
 */
export async function skipOpenDeliveries(db: SqlExecutor, destinationId: string, reason: string): Promise<void> {
  await db.query(
    `WITH open AS (
       UPDATE deliveries d SET status = 'skipped', last_error = $2::text, updated_at = now(),
              funnel_stage = ${countedStageSql('d', "'skipped'")}
         FROM (SELECT id, status, funnel_stage FROM deliveries
                WHERE destination_id = $1 AND status IN ('pending', 'retrying') ORDER BY id FOR UPDATE) o
        WHERE d.id = o.id
       RETURNING d.id, d.logged_at, o.status AS from_status, d.destination_id, d.event_received_at, o.funnel_stage AS from_stage,
                 d.funnel_stage AS to_stage
     ),
     ${funnelCountsCte('open_funnel', '(SELECT destination_id, event_received_at AS received_at, from_stage, to_stage FROM open)')}
     INSERT INTO delivery_state_changes (delivery_id, delivery_logged_at, from_status, to_status, reason)
     SELECT id, logged_at, from_status, 'skipped', $2::text FROM open`,
    [destinationId, reason],
  );
}

/** One pending `deletion` delivery per destination × user of a deletion request. */
export async function createDeletionDeliveries(
  db: SqlExecutor,
  destinationIds: string[],
  userIds: string[],
  deletionId: string,
): Promise<{ id: string; destination_id: string; logged_at: string }[]> {
  return rowsOf<{ id: string; destination_id: string; logged_at: Date }>(
    await db.query(
      `INSERT INTO deliveries (event_id, event_received_at, destination_id, kind, status, deletion_user_id, deletion_id)
       SELECT NULL, NULL, d, 'deletion', 'pending', u, $3::bigint FROM unnest($1::uuid[]) AS d, unnest($2::text[]) AS u
       RETURNING id::text AS id, destination_id::text AS destination_id, logged_at`,
      [destinationIds, userIds, deletionId],
    ),
  ).map((r) => ({ ...r, logged_at: r.logged_at.toISOString() }));
}

/**
 * Ends those of `deliveryIds` still open as failed, each with its state change naming `reason` (a batch replay
 * slice that failed for good: the audit says why). Returns how many were ended.
 */
export async function failOpenDeliveries(db: SqlExecutor, deliveryIds: string[], reason: string): Promise<number> {
  const rows = rowsOf<{ n: string }>(
    await db.query(
      `WITH open AS (
         UPDATE deliveries d SET status = 'failed', last_error = $2::text, updated_at = now(),
                claimed_until = NULL, claim_token = NULL,
                funnel_stage = ${countedStageSql('d', "'failed'")}
           FROM (SELECT id, status, funnel_stage FROM deliveries
                  WHERE id = ANY($1::bigint[]) AND status IN ('pending', 'retrying') ORDER BY id FOR UPDATE) o
          WHERE d.id = o.id
         RETURNING d.id, d.logged_at, o.status AS from_status, d.destination_id, d.event_received_at, o.funnel_stage AS from_stage,
                   d.funnel_stage AS to_stage
       ),
       ${funnelCountsCte('open_funnel', '(SELECT destination_id, event_received_at AS received_at, from_stage, to_stage FROM open)')},
       changed AS (
         INSERT INTO delivery_state_changes (delivery_id, delivery_logged_at, from_status, to_status, reason)
         SELECT id, logged_at, from_status, 'failed', $2::text FROM open RETURNING 1
       )
       SELECT count(*)::text AS n FROM changed`,
      [deliveryIds, reason],
    ),
  );
  return Number(rows[0]?.n ?? 0);
}
