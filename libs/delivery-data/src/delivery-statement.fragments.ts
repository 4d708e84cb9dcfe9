import { funnelCountsCte } from './delivery-funnel';

/**
 * Writes of deliveries, attempts and state changes that must share one statement with writes of other tables
 * (the event log's group commit, a replay page, an erasure batch): this library owns their SQL, the caller
 * places it as common table expressions of its statement. Parameters and names are the caller's, passed in.
 */

/**
 * `deliv`: one delivery per enabled destination connected to each inserted event (the transactional outbox),
 * counted as `received` in the delivery funnel (`deliv_funnel`). `events` names a CTE returning
 * (id, source_id, received_at) of the events just inserted.
 */
export function fanOutDeliveriesCte(events: string): string {
  return `deliv AS (
     INSERT INTO deliveries (event_id, event_received_at, logged_at, destination_id, funnel_stage)
     SELECT ${events}.id, ${events}.received_at, ${events}.received_at, ds.destination_id, 'received'
     FROM ${events}
     JOIN destination_sources ds ON ds.source_id = ${events}.source_id
     JOIN destinations dst ON dst.id = ds.destination_id AND dst.enabled
     RETURNING id, event_id, destination_id, event_received_at
   ),
   ${funnelCountsCte(
     'deliv_funnel',
     `(SELECT destination_id, event_received_at AS received_at, NULL::text AS from_stage, 'received' AS to_stage
         FROM deliv)`,
   )}`;
}

/**
 * `before`, `upserted`, `changed`, `replay_funnel`: each event of `page` (a CTE of (id, received_at)) gets its
 * delivery to the destination fetched or created and moved to 'pending' (the funnel's `received`), with the
 * state change of a status that moved. `upserted` returns (id, event_id, logged_at, attempts). `dest` and `replayId` are the caller's
 * parameter placeholders.
 */
export function replayDeliveriesCtes(
  page: string,
  dest: string,
  replayId: string,
  /** A batch slice's claim (token and lease placeholders): taken by the upsert of deliveries nobody holds. */
  claim?: { token: string; leaseMs: string },
): string {
  const lease = claim && `now() + ${claim.leaseMs}::int * interval '1 millisecond'`;
  const free = `(deliveries.claimed_until IS NULL OR deliveries.claimed_until < now())`;
  // Locked, and joined by the upsert (so read before it): the stage the funnel takes the delivery out of is the
  // one a concurrent outcome left. Looked up per event by (event_id, destination_id): joined, the planner went by
  // the destination's index and read every delivery of the destination (all of a replay's so far) for each page.
  // Locked in the page's order (LIMIT 1 keeps the lock inside the lookup): a deadlock with a concurrent writer
  // is retried by the runner. An event's delivery is logged at the event's received_at (the upsert's conflict key
  // holds it): named, each lookup probes that one partition, not every one the retention keeps.
  return `before AS (
       SELECT d.id, d.logged_at, d.event_id, d.status, d.funnel_stage FROM ${page}
        CROSS JOIN LATERAL (SELECT d.id, d.logged_at, d.event_id, d.status, d.funnel_stage FROM deliveries d
                             WHERE d.event_id = ${page}.id AND d.destination_id = ${dest}::uuid
                               AND d.logged_at = ${page}.received_at
                             LIMIT 1 FOR UPDATE) d
     ),
     upserted AS (
       INSERT INTO deliveries (event_id, event_received_at, logged_at, destination_id, status, funnel_stage${claim ? ', claim_token, claimed_until' : ''})
       SELECT ${page}.id, ${page}.received_at, ${page}.received_at, ${dest}::uuid, 'pending', 'received'${claim ? `, ${claim.token}, ${lease}` : ''}
         FROM ${page} LEFT JOIN before b ON b.event_id = ${page}.id
       ON CONFLICT (event_id, destination_id, logged_at) DO UPDATE SET status = 'pending', funnel_stage = 'received', updated_at = now()${
         claim
           ? `,
           claim_token = CASE WHEN ${free} THEN EXCLUDED.claim_token ELSE deliveries.claim_token END,
           claimed_until = CASE WHEN ${free} THEN EXCLUDED.claimed_until ELSE deliveries.claimed_until END`
           : ''
       }
       RETURNING id, event_id, logged_at, attempts
     ),
     ${funnelCountsCte(
       'replay_funnel',
       `(SELECT ${dest}::uuid AS destination_id, p.received_at, b.funnel_stage AS from_stage, 'received' AS to_stage
           FROM upserted u JOIN ${page} p ON p.id = u.event_id LEFT JOIN before b ON b.id = u.id)`,
     )},
     changed AS (
       INSERT INTO delivery_state_changes (delivery_id, delivery_logged_at, from_status, to_status, reason)
       SELECT b.id, b.logged_at, b.status, 'pending', 'replay ' || ${replayId} FROM before b WHERE b.status <> 'pending'
     )`;
}

/**
 * `att`: the request and response bodies of the attempts of the given events' deliveries replaced by the
 * erasure tombstone (the one change the attempts' append-only trigger lets through, with fsd.erasure set in the
 * transaction). Returns a row per attempt erased. `eventIds` is a bigint[] placeholder, `tombstone` a JSON text one.
 */
export function eraseAttemptBodiesCte(eventIds: string, tombstone: string): string {
  return `att AS (
         UPDATE delivery_attempts a SET request_body = ${tombstone}::json, response_body = ${tombstone}::text
           FROM deliveries d
          WHERE d.event_id = ANY(${eventIds}::bigint[]) AND a.delivery_id = d.id
         RETURNING a.id
       )`;
}
