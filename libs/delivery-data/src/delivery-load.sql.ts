import { KEY_OF_ID } from './delivery-key.sql';
import { DELIVERY_BASE_COLUMNS, lastAttemptSql } from './delivery-row';

/**
 * The worker's load statements. Both return one delivery with its event and the audit summary the plan needs
 * (subscriptions delivered, subscriptions failed in the current episode).
 */

/** `since`: SQL of a time no attempt of the delivery started before (its partitions before it are not looked in). */
const since = (alias: string, from: string) => ` AND ${alias}.started_at >= ${from}`;

/** The number of the delivery's last attempt with one of `triggers` (0 if none): where what they reset starts. */
const lastStartedBy = (triggers: string, from: string) =>
  `COALESCE((SELECT max(e.attempt_number) FROM delivery_attempts e
              WHERE e.delivery_id = d.id AND e.trigger IN (${triggers})${since('e', from)}), 0)`;

const episodeFailures = (from: string) => `FROM delivery_attempts a
  WHERE a.delivery_id = d.id AND a.decision = 'failed_permanently' AND a.subscription_id IS NOT NULL${since('a', from)}
    AND a.attempt_number >= ${lastStartedBy(`'replay', 'redrive'`, from)}`;

/**
 * Subscriptions delivered since the last replay began (a replay sends everything again, so what was delivered
 * before it no longer counts: a retry within the replay re-sends what the replay has not delivered yet; a redrive
 * does not reset it, and sends only what was never delivered).
 */
const deliveredSinceReplay = (from: string) => `ARRAY(SELECT DISTINCT a.subscription_id FROM delivery_attempts a
  WHERE a.delivery_id = d.id AND a.decision = 'delivered' AND a.subscription_id IS NOT NULL${since('a', from)}
    AND a.attempt_number >= ${lastStartedBy(`'replay'`, from)})`;

/**
 * A delivery never attempted has no audit rows: every writer of delivery_attempts adds the rows it writes to
 * `deliveries.attempts` in the same statement. Its summary is not looked up then (LOAD_CLAIMED also loads stale
 * rows, which may never have been attempted): each lookup probes the audit partitions since `attemptsFrom`.
 */
const unlessNeverAttempted = (empty: string, lookup: string) =>
  `CASE WHEN d.attempts = 0 THEN ${empty} ELSE ${lookup} END`;

/** The delivery `d` with its audit summary; `attemptsFrom` as `since` takes it. */
const columns = (attemptsFrom: string) => `${DELIVERY_BASE_COLUMNS},
  ${unlessNeverAttempted('0', lastAttemptSql(since('a', attemptsFrom)))} AS last_attempt,
  ${unlessNeverAttempted("'{}'::text[]", deliveredSinceReplay(attemptsFrom))} AS delivered,
  ${unlessNeverAttempted("'{}'::text[]", `ARRAY(SELECT DISTINCT a.subscription_id ${episodeFailures(attemptsFrom)})`)} AS failed,
  ${unlessNeverAttempted('NULL', `(SELECT a.error_message ${episodeFailures(attemptsFrom)} ORDER BY a.id LIMIT 1)`)} AS failed_reason`;

const EVENT_JOIN = 'LEFT JOIN events e ON e.id = d.event_id AND e.received_at = d.event_received_at';

/**
 * Claims and loads in one statement: each delivery (one token per delivery; a second job of the same delivery
 * in the same batch loses) is claimed only when no unexpired claim exists. $1 ids, $2 tokens, $3 lease (ms),
 * $4 and $5 bounds of their logged_at (claimBounds; -infinity and infinity when not known): constants to the
 * planner, so the statement plans and probes only the partitions between them. An event delivery's logged_at is
 * its event's received_at (migration Retention), so the same bounds hold for the event.
 *
 * It returns no audit summary: the live worker's runs are nearly all first runs (attempts = 0), whose summary is
 * empty, and the summary's four lookups over the audit partitions were most of this statement's planning (it is
 * planned at every run, for the bounds). The repository loads the rows that have attempts again (LOAD_CLAIMED).
 *
 * `stale`: the claim waited for a concurrent outcome write of the same delivery (which released the previous
 * claim). The UPDATE then sees that write, but the statement's other reads (the event) see the database as it was
 * when the statement began: those rows are loaded again (LOAD_CLAIMED) too.
 */
export const CLAIM_AND_LOAD = `
WITH input AS (
  SELECT DISTINCT ON (i.id) i.id, i.token FROM unnest($1::bigint[], $2::text[]) AS i(id, token) ORDER BY i.id
),
target AS (
  SELECT k.id, k.logged_at, i.token FROM input i
   CROSS JOIN LATERAL (SELECT k.id, k.logged_at FROM deliveries k
                        WHERE k.id = i.id AND k.logged_at BETWEEN $4 AND $5 LIMIT 1) k
),
claimed AS (
  UPDATE deliveries d SET claimed_until = now() + $3::int * interval '1 millisecond', claim_token = i.token
    FROM target i
   WHERE d.id = i.id AND d.logged_at = i.logged_at AND d.logged_at BETWEEN $4 AND $5
     AND (d.claimed_until IS NULL OR d.claimed_until < now())
  RETURNING d.*
)
SELECT ${DELIVERY_BASE_COLUMNS}, 0 AS last_attempt, NULL::text[] AS delivered, NULL::text[] AS failed,
       NULL::text AS failed_reason, d.claim_token,
       (s.updated_at, s.attempts, s.status) IS DISTINCT FROM (d.updated_at, d.attempts, d.status) AS stale
  FROM claimed d
  JOIN deliveries s ON s.id = d.id AND s.logged_at = d.logged_at AND s.logged_at BETWEEN $4 AND $5
  ${EVENT_JOIN} AND e.received_at BETWEEN $4 AND $5`;

/**
 * Loads deliveries this worker already holds the claim of (a fresh snapshot), with their audit summary. $1 ids,
 * $2 their tokens, $3 a time no attempt of theirs started before (attemptsFrom; -infinity: every partition), a
 * constant to the planner.
 */
export const LOAD_CLAIMED = `
WITH input AS (SELECT i.id, i.token FROM unnest($1::bigint[], $2::text[]) AS i(id, token)),
target AS (SELECT k.id, k.logged_at, i.token FROM input i ${KEY_OF_ID})
SELECT ${columns('$3')}, d.claim_token, false AS stale
  FROM target i
  JOIN deliveries d ON d.id = i.id AND d.logged_at = i.logged_at AND d.claim_token = i.token
  ${EVENT_JOIN}`;

/**
 * Why a delivery was not claimed: its current claim, or no row. $1 ids, $2 and $3 bounds of their logged_at
 * (claimBounds; by id alone, every partition the retention keeps is probed).
 */
export const CLAIM_HOLDERS = `SELECT id::text, claimed_until FROM deliveries
  WHERE id = ANY($1::bigint[]) AND logged_at BETWEEN $2 AND $3`;

/**
 * Gives a claim back without an outcome (nothing to do, or the run broke off). $1 id, $2 token, $3 and $4 bounds of
 * its logged_at (loggedAtBounds): the update probes the delivery's partition alone (by id alone it probed every one
 * the retention keeps: 9 ms a call at 97 daily partitions against 1.4 ms at 8).
 */
export const RELEASE_CLAIM = `UPDATE deliveries SET claimed_until = NULL, claim_token = NULL
  WHERE id = $1 AND logged_at BETWEEN $3 AND $4 AND claim_token = $2`;

/**
 * A bound no deletion delivery's logged_at passes: each is logged at its transaction's start (`logged_at DEFAULT
 * now()`), so one the check can see was logged before the check's own start; the day covers any skew. With it the
 * check leaves out the empty partitions made ahead (seven by the maintenance), which it otherwise probed once per
 * user. In npm run bench's drain and latency steps (pg_stat_statements) it took 0.18 ms a call against 0.50–0.95 ms.
 */
export const DELETION_LOGGED_BEFORE = `now() + interval '1 day'`;

/**
 * Which of the (destination, user) pairs were deleted through /admin/deletions. $1 destination ids, $2 user ids,
 * $3 a time no deletion delivery that can match was logged before (DeletionFloor; -infinity: every partition), a
 * constant to the planner.
 */
export const DELETED_USERS = `
SELECT DISTINCT d.destination_id::text, d.deletion_user_id
  FROM unnest($1::uuid[], $2::text[]) AS i(destination_id, user_id)
  JOIN deliveries d ON d.kind = 'deletion' AND d.destination_id = i.destination_id AND d.deletion_user_id = i.user_id
   AND d.logged_at >= $3 AND d.logged_at < ${DELETION_LOGGED_BEFORE}`;

/**
 * The deleted-user check (DELETED_USERS, $1-$3) and the suppression list's check ($4 keyed hashes of ids, written by
 * the ingest API's erasure) in one statement: a deleted pair's row has its destination id, a suppressed hash's none.
 */
export const ERASED_IDENTITIES = `${DELETED_USERS}
UNION ALL
SELECT NULL, identity_hash FROM suppressed_identities WHERE identity_hash = ANY($4::text[])`;
