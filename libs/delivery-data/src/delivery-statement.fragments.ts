/**
 * Writes of deliveries, attempts and state changes that must share one statement with writes of other tables
 * (the event log's group commit, a replay page, an erasure batch): this library owns their SQL, the caller
 * places it as common table expressions of its statement. Parameters and names are the caller's, passed in.
 */

/**
 * `deliv`: one delivery per enabled destination connected to each inserted event (the transactional outbox).
 * `events` names a CTE returning (id, source_id, received_at) of the events just inserted.
 */
export function fanOutDeliveriesCte(events: string): string {
  return `deliv AS (
     INSERT INTO deliveries (event_id, event_received_at, destination_id)
     SELECT ${events}.id, ${events}.received_at, ds.destination_id
     FROM ${events}
     JOIN destination_sources ds ON ds.source_id = ${events}.source_id
     JOIN destinations dst ON dst.id = ds.destination_id AND dst.enabled
     RETURNING id, event_id, destination_id
   )`;
}

/**
 * `before`, `upserted`, `changed`: each event of `page` (a CTE of (id, received_at)) gets its delivery to the
 * destination fetched or created and moved to 'pending', with the state change of a status that moved.
 * `upserted` returns (id, event_id). `dest` and `replayId` are the caller's parameter placeholders.
 */
export function replayDeliveriesCtes(page: string, dest: string, replayId: string): string {
  return `before AS (
       SELECT d.id, d.status FROM deliveries d JOIN ${page} ON d.event_id = ${page}.id WHERE d.destination_id = ${dest}::uuid
     ),
     upserted AS (
       INSERT INTO deliveries (event_id, event_received_at, destination_id, status)
       SELECT ${page}.id, ${page}.received_at, ${dest}::uuid, 'pending' FROM ${page}
       ON CONFLICT (event_id, destination_id) DO UPDATE SET status = 'pending', updated_at = now()
       RETURNING id, event_id
     ),
     changed AS (
       INSERT INTO delivery_state_changes (delivery_id, from_status, to_status, reason)
       SELECT b.id, b.status, 'pending', 'replay ' || ${replayId} FROM before b WHERE b.status <> 'pending'
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
