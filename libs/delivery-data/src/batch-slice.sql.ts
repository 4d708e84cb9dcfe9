import { countedStageSql, funnelCountsCte, stageOfStatusSql } from './delivery-funnel';

/** A batch replay slice's statements on deliveries and their audit (BatchSliceRepository's). */

/**
 * Claims the slice's deliveries that no other run holds (a live or per-event job of the same delivery) and
 * loads them with their events. The token is the slice's own, so a run of the slice after a crash takes back
 * what the crashed run still held (BullMQ's lock keeps two runs of one slice from overlapping).
 * $1 ids, $2 token, $3 lease (ms).
 */
export const CLAIM_SLICE = `
WITH claimed AS (
  UPDATE deliveries d SET claimed_until = now() + $3::int * interval '1 millisecond', claim_token = $2
   WHERE d.id = ANY($1::bigint[]) AND (d.claimed_until IS NULL OR d.claimed_until < now() OR d.claim_token = $2)
  RETURNING d.*
)
SELECT d.id::text, d.kind, d.status, d.destination_id::text, d.created_at, d.episode_started_at, d.episode_runs,
       d.attempts, d.deletion_user_id, d.event_received_at, e.payload,
       COALESCE((SELECT max(a.attempt_number) FROM delivery_attempts a WHERE a.delivery_id = d.id), 0) AS last_attempt
  FROM claimed d
  LEFT JOIN events e ON e.id = d.event_id AND e.received_at = d.event_received_at
 ORDER BY d.event_received_at, d.id`;

/** Gives back the claims of deliveries this run did not record. $1 ids, $2 token. */
export const RELEASE_SLICE = `UPDATE deliveries SET claimed_until = NULL, claim_token = NULL
  WHERE id = ANY($1::bigint[]) AND claim_token = $2`;

/** Users of the destination deleted through /admin/deletions, among $2. $1 destination. */
export const DELETED_USERS = `SELECT DISTINCT deletion_user_id AS u FROM deliveries
  WHERE kind = 'deletion' AND destination_id = $1 AND deletion_user_id = ANY($2::text[])`;

/**
 * Records a group of deliveries' outcomes in one statement: their audit rows (with the batch job and item index),
 * their new status, a state change when it changed, their move in the delivery funnel and the release
 * of this run's claim. $1 JSON, $2 token.
 */
export const RECORD_SLICE = `
WITH input AS (
  SELECT * FROM json_to_recordset($1::json) AS i(d bigint, s text, r text, n int, a json, g text)
),
new_attempts AS (
  INSERT INTO delivery_attempts (
    delivery_id, attempt_number, trigger, subscription_id, action, started_at, finished_at, latency_ms,
    request_method, request_url, request_headers, request_body, response_status, response_headers,
    response_body, response_truncated, error_class, error_message, decision, retry_at, skip_reason,
    batch_job_id, batch_index)
  SELECT i.d, x."attemptNumber", x.trigger, x."subscriptionId", x.action, x."startedAt", x."finishedAt",
         x."latencyMs", x."requestMethod", x."requestUrl", x."requestHeaders", x."requestBodyText"::json,
         x."responseStatus", x."responseHeaders", x."responseBody", COALESCE(x."responseTruncated", false),
         x."errorClass", x."errorMessage", x.decision, x."retryAt", x."skipReason", x."batchJobId", x."batchIndex"
    FROM input i, json_to_recordset(i.a) AS x(
      "attemptNumber" int, trigger text, "subscriptionId" text, action text, "startedAt" timestamptz,
      "finishedAt" timestamptz, "latencyMs" int, "requestMethod" text, "requestUrl" text,
      "requestHeaders" jsonb, "requestBodyText" text, "responseStatus" int, "responseHeaders" jsonb,
      "responseBody" text, "responseTruncated" boolean, "errorClass" text, "errorMessage" text,
      decision text, "retryAt" timestamptz, "skipReason" text, "batchJobId" text, "batchIndex" int)
  RETURNING 1
),
previous AS (
  SELECT d.id, d.logged_at, d.status, d.funnel_stage, d.destination_id, d.event_received_at
    FROM deliveries d JOIN input i ON i.d = d.id ORDER BY d.id FOR UPDATE OF d
),
moved AS (
  UPDATE deliveries d SET status = i.s, attempts = d.attempts + i.n,
         last_error = CASE WHEN i.s = 'delivered' THEN NULL ELSE COALESCE(i.r, d.last_error) END,
         episode_started_at = now(), episode_runs = 1, updated_at = now(),
         delivered_at = CASE WHEN i.s = 'delivered' THEN now() ELSE d.delivered_at END,
         claimed_until = CASE WHEN d.claim_token = $2 THEN NULL ELSE d.claimed_until END,
         claim_token = CASE WHEN d.claim_token = $2 THEN NULL ELSE d.claim_token END,
         funnel_stage = ${countedStageSql('d', `COALESCE(i.g, ${stageOfStatusSql('i.s')})`)}
    FROM input i JOIN previous p ON p.id = i.d WHERE d.id = i.d
  RETURNING d.id, d.funnel_stage
),
${funnelCountsCte(
  'funnel',
  `(SELECT p.destination_id, p.event_received_at AS received_at, p.funnel_stage AS from_stage, m.funnel_stage AS to_stage
      FROM previous p JOIN moved m ON m.id = p.id)`,
)}
INSERT INTO delivery_state_changes (delivery_id, delivery_logged_at, from_status, to_status, reason)
SELECT p.id, p.logged_at, p.status, i.s, i.r
  FROM previous p JOIN input i ON i.d = p.id JOIN moved m ON m.id = p.id
 WHERE p.status IS DISTINCT FROM i.s`;
