/**
 * The delivery funnel: each event delivery is counted in exactly one stage of delivery_funnel_hourly (per
 * destination and hour of the event's reception), the stage where it stopped or is waiting. The statements that
 * create or move a delivery (fan-out, outcome records, replay pages, archiving) keep the counters in the same
 * statement, from the stage the row held (deliveries.funnel_stage, read locked) to its new one: this library is
 * the table's one writer.
 */

export const FUNNEL_STAGES = [
  'received',
  'blockedByIntegrations',
  'filtered',
  'noMatchingSubscription',
  'mappingError',
  'delivered',
  'retrying',
  'failed',
  'skipped',
] as const;

export type FunnelStage = (typeof FUNNEL_STAGES)[number];

/** SQL: the stage of a status when the writer knows no finer one (pending deliveries are only received). */
export function stageOfStatusSql(status: string): string {
  return `(CASE ${status} WHEN 'pending' THEN 'received' ELSE ${status} END)`;
}

/** SQL: the stage a delivery row holds after a move to `stage` (NULL for rows the funnel does not count). */
export function countedStageSql(row: string, stage: string): string {
  return `(CASE WHEN ${row}.kind = 'event' AND ${row}.event_received_at IS NOT NULL THEN ${stage} END)`;
}

/** SQL: the hour bucket of an event's reception, in UTC whatever the session's time zone. */
export function funnelHourSql(receivedAt: string): string {
  return `(date_trunc('hour', ${receivedAt} AT TIME ZONE 'UTC') AT TIME ZONE 'UTC')`;
}

/** Shards of each counter: a statement writes to its connection's, and a count is the sum over them. */
export const FUNNEL_SHARDS = 8;

/**
 * `name`: moves the counters of the deliveries in `moves`, a parenthesised query of (destination_id,
 * received_at, from_stage, to_stage): one less in from_stage, one more in to_stage (a NULL stage is not
 * counted), in this connection's shard (a shard's count may go below zero; the sum over shards is the count).
 * Rows are upserted in key order, so concurrent statements never wait on each other in a cycle.
 */
export function funnelCountsCte(name: string, moves: string): string {
  return `${name} AS (
       INSERT INTO delivery_funnel_hourly AS f (destination_id, hour, stage, shard, count)
       SELECT m.destination_id, ${funnelHourSql('m.received_at')}, s.stage, pg_backend_pid() % ${FUNNEL_SHARDS}, sum(s.delta)
         FROM ${moves} m
         CROSS JOIN LATERAL (VALUES (m.from_stage, -1), (m.to_stage, 1)) AS s(stage, delta)
        WHERE s.stage IS NOT NULL AND m.received_at IS NOT NULL AND m.from_stage IS DISTINCT FROM m.to_stage
        GROUP BY 1, 2, 3
        ORDER BY 1, 2, 3
       ON CONFLICT (destination_id, hour, stage, shard) DO UPDATE SET count = f.count + EXCLUDED.count
     )`;
}
