import { DELIVERY_BASE_COLUMNS } from './delivery-row';
import { KEY_OF_ID } from './delivery-key.sql';
import { DELETION_LOGGED_BEFORE } from './delivery-load.sql';
import { countedStageSql, funnelCountsCte, stageOfStatusSql } from './delivery-funnel';

/** A batch replay slice's statements on deliveries and their audit (BatchSliceRepository's). */

/**
 * Open = not settled. Said this way so the planner finds the slice's rows by id: `status IN ('pending',
 * 'retrying')` matches the open deliveries' partial index, which, with a replay's fast-growing table ahead of
 * its statistics, it scanned whole (every open delivery of every slice) for each slice.
 */
const SETTLED = `'delivered', 'failed', 'skipped'`;

const LEASE_END = `now() + $3::int * interval '1 millisecond'`;

/**
 * Claims the slice's open deliveries that no other run holds (a live or per-event job of the same delivery) and
 * loads them with their events. The token is the slice's own, so a run of the slice after a crash takes back
 * what the crashed run still held. A delivery no longer open was recorded already (by an earlier run of the
 * slice): it is not claimed, so a re-run sends and records only what was not recorded.
 * Each id's row is read once, by a probe of its key (one id at a time, as KEY_OF_ID): deliveries the runner's page already
 * claimed with the slice's token for at least the lease (`held`) are taken from that read, with no second write
 * and no second read of each row (joined back to deliveries, the planner, without statistics on a fast-filling
 * partition, read every delivery for a slice's 5,000). Only the rows still to claim are updated, found by id in
 * an array (index probes; as a join, the planner merged a walk of the whole primary key even when nothing was left
 * to claim); the statement runs with sequential scans off (BatchSliceRepository.claimSlice). The event is looked
 * up per delivery (LATERAL … LIMIT 1, by the partition's primary key). The last attempt numbers come from one
 * grouped read of the slice's attempts: a subquery per delivery cost more CPU than the rest of the claim.
 * $1 ids, $2 token, $3 lease (ms), $4 settled too: true for the deliveries another run held when the slice started
 * (BatchSliceRepository.claimFromHolder), whose outcome, recorded meanwhile, does not settle the replay. $5 and $6
 * bounds of their logged_at (the slice job's loggedAtRange, widened; -infinity and infinity when not known) and $7 a
 * time no attempt of theirs started before (attemptsFrom): constants to the planner, so it plans and probes only the
 * partitions between them. Every delivery was probed in every partition otherwise: with the 98 daily partitions of
 * the default retention, 1.2 s per slice of 5,000, 0.4 s of it planning.
 */
export const CLAIM_SLICE = `
WITH target AS (
  SELECT k.* FROM unnest($1::bigint[]) AS i(id)
   CROSS JOIN LATERAL (SELECT k.* FROM deliveries k WHERE k.id = i.id AND k.logged_at BETWEEN $5 AND $6 LIMIT 1) k
),
claimed AS (
  UPDATE deliveries d SET claimed_until = ${LEASE_END}, claim_token = $2
   WHERE d.id = ANY(ARRAY(SELECT t.id FROM target t WHERE ($4 OR t.status NOT IN (${SETTLED}))
                            AND NOT (t.claim_token IS NOT DISTINCT FROM $2 AND t.claimed_until >= ${LEASE_END})))
     AND ($4 OR d.status NOT IN (${SETTLED})) AND d.logged_at BETWEEN $5 AND $6
     AND (d.claimed_until IS NULL OR d.claimed_until < now() OR (d.claim_token = $2 AND d.claimed_until < ${LEASE_END}))
  RETURNING d.*
),
held AS (
  SELECT t.* FROM target t
   WHERE ($4 OR t.status NOT IN (${SETTLED})) AND t.claim_token = $2 AND t.claimed_until >= ${LEASE_END}
),
slice AS (SELECT * FROM claimed UNION ALL SELECT * FROM held),
last AS (
  SELECT a.delivery_id, max(a.attempt_number) AS n FROM delivery_attempts a
   WHERE a.delivery_id = ANY($1::bigint[]) AND a.started_at >= $7 GROUP BY a.delivery_id
)
SELECT ${DELIVERY_BASE_COLUMNS}, COALESCE(l.n, 0) AS last_attempt
  FROM slice d
  LEFT JOIN last l ON l.delivery_id = d.id
  LEFT JOIN LATERAL (SELECT e.payload FROM events e
                      WHERE e.id = d.event_id AND e.received_at = d.event_received_at
                        AND e.received_at BETWEEN $5 AND $6 LIMIT 1) e ON true
 ORDER BY d.event_received_at, d.id`;

/** Which of $1 are still open: the ones a slice did not claim are held by another run; the rest are recorded. */
export const OPEN_OF = `SELECT d.id::text FROM unnest($1::bigint[]) AS i(id) ${KEY_OF_ID}
  JOIN deliveries d ON d.id = k.id AND d.logged_at = k.logged_at WHERE d.status NOT IN (${SETTLED})`;

/** Gives back the claims of deliveries this run did not record. $1 ids, $2 token. */
export const RELEASE_SLICE = `UPDATE deliveries d SET claimed_until = NULL, claim_token = NULL
  FROM (SELECT k.id, k.logged_at FROM unnest($1::bigint[]) AS i(id) ${KEY_OF_ID}) t
  WHERE d.id = t.id AND d.logged_at = t.logged_at AND d.claim_token = $2`;

/**
 * Users of the destination deleted through /admin/deletions, among $2. $1 destination, $3 a time no deletion delivery
 * that can match was logged before (DeletionFloor; -infinity: every partition), a constant to the planner: planned
 * over the 98 daily partitions of the default retention, this statement took 220 ms per slice to plan.
 */
export const DELETED_USERS = `SELECT DISTINCT deletion_user_id AS u FROM deliveries
  WHERE kind = 'deletion' AND destination_id = $1 AND deletion_user_id = ANY($2::text[]) AND logged_at >= $3
    AND logged_at < ${DELETION_LOGGED_BEFORE}`;

/**
 * Records a group of deliveries' outcomes in one statement: their audit rows (with the batch job and item index),
 * their new status, a state change when it changed, their move in the delivery funnel and the release
 * of this run's claim. A delivery is recorded only while its attempt count is the one this run loaded: one
 * another run of the same slice recorded meanwhile (a slice re-run while its first run was in flight; both sent
 * under the same job keys, so FullStory holds one job) keeps its rows and gets no second ones. The count is on
 * the locked row, so the check sees a concurrent run's committed record. $1–$6 the deliveries' columns,
 * $7–$29 the attempts' (sliceRecordParams; $18, the request bodies, is one JSON array of them: an array of
 * texts cost the worker a JSON text per body and an escape of each for the array literal), $30 the token, $31 and
 * $32 the bounds of the group's logged_at (loggedAtBounds): constants to the planner, so each delivery is probed in
 * the partitions the group is in, not in every partition (a probe of each of ~98 under the default retention).
 */
export const RECORD_SLICE = `
WITH input AS (
  SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::int[], $5::text[], $6::int[]) AS i(d, s, r, n, g, k)
),
previous AS (
  SELECT d.* FROM (SELECT i.d, i.k FROM input i ORDER BY i.d) i
   CROSS JOIN LATERAL (
     SELECT d.id, d.logged_at, d.status, d.funnel_stage, d.destination_id, d.event_received_at
       FROM deliveries d WHERE d.id = i.d AND d.attempts = i.k AND d.logged_at BETWEEN $31 AND $32 LIMIT 1 FOR UPDATE
   ) d
),
new_attempts AS (
  INSERT INTO delivery_attempts (
    delivery_id, attempt_number, trigger, subscription_id, action, started_at, finished_at, latency_ms,
    request_method, request_url, request_headers, request_body, response_status, response_headers,
    response_body, response_truncated, error_class, error_message, decision, retry_at, skip_reason,
    batch_job_id, batch_index)
  SELECT x.d, x.attempt_number, x.trigger, x.subscription_id, x.action, x.started_at, x.finished_at, x.latency_ms,
         x.request_method, x.request_url, x.request_headers::jsonb,
         CASE WHEN json_typeof(b.body) = 'null' THEN NULL ELSE b.body END, x.response_status,
         x.response_headers::jsonb, x.response_body, x.response_truncated, x.error_class, x.error_message,
         x.decision, x.retry_at, x.skip_reason, x.batch_job_id, x.batch_index
    FROM unnest($7::bigint[], $8::int[], $9::text[], $10::text[], $11::text[], $12::timestamptz[],
                $13::timestamptz[], $14::int[], $15::text[], $16::text[], $17::text[], $19::int[],
                $20::text[], $21::text[], $22::boolean[], $23::text[], $24::text[], $25::text[],
                $26::timestamptz[], $27::text[], $28::text[], $29::int[]) WITH ORDINALITY
         AS x(d, attempt_number, trigger, subscription_id, action, started_at, finished_at, latency_ms,
              request_method, request_url, request_headers, response_status, response_headers,
              response_body, response_truncated, error_class, error_message, decision, retry_at, skip_reason,
              batch_job_id, batch_index, ord)
    JOIN json_array_elements($18::json) WITH ORDINALITY AS b(body, ord) ON b.ord = x.ord
    JOIN previous p ON p.id = x.d
   ORDER BY x.ord
  RETURNING 1
),
moved AS (
  UPDATE deliveries d SET status = i.s, attempts = d.attempts + i.n,
         last_error = CASE WHEN i.s = 'delivered' THEN NULL ELSE COALESCE(i.r, d.last_error) END,
         episode_started_at = now(), episode_runs = 1, updated_at = now(),
         delivered_at = CASE WHEN i.s = 'delivered' THEN now() ELSE d.delivered_at END,
         claimed_until = CASE WHEN d.claim_token = $30 THEN NULL ELSE d.claimed_until END,
         claim_token = CASE WHEN d.claim_token = $30 THEN NULL ELSE d.claim_token END,
         funnel_stage = ${countedStageSql('d', `COALESCE(i.g, ${stageOfStatusSql('i.s')})`)}
    FROM input i JOIN previous p ON p.id = i.d
   WHERE d.id = p.id AND d.logged_at = p.logged_at AND d.logged_at BETWEEN $31 AND $32
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
