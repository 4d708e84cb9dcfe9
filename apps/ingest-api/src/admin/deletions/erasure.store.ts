import { EntityManager } from 'typeorm';
import { eraseAttemptBodiesCte } from '@fsd/delivery-data';
import { IdentityHasher, erasedTombstone, storableText } from '@fsd/platform';

/** Events erased per transaction: locks held well under a second, and 100,000 events in ~6 s (bench:erasure). */
export const ERASURE_BATCH = 5000;

export interface ErasureJob {
  id: string;
  phase: 'link' | 'events' | 'rejected' | 'done';
  user_ids: string[] | null;
  identities: string[] | null;
}

export const ERASURE_COLUMNS = `id::text AS id, phase, user_ids, identities`;

/**
 * The ids to erase: the users, and the anonymous ids (identify) and previous ids (alias) that their
 * events link to them. Found before anything is erased (erasure replaces the ids it would follow),
 * then suppressed at once, as keyed hashes only.
 */
export async function linkIdentities(em: EntityManager, job: ErasureJob, hasher: IdentityHasher): Promise<string[]> {
  const users = job.user_ids ?? [];
  await em.query(`SELECT set_config('enable_seqscan', 'off', true)`);
  const rows = (await em.query(
    `SELECT DISTINCT anonymous_id AS v FROM events
      WHERE user_id = ANY($1::text[]) AND type = 'identify' AND anonymous_id IS NOT NULL
     UNION
     SELECT DISTINCT payload->>'previousId' FROM events WHERE user_id = ANY($1::text[]) AND type = 'alias'`,
    [users],
  )) as { v: string | null }[];
  const identities = [...new Set([...users, ...rows.map((r) => r.v).filter((v): v is string => !!v)])];
  await em.query(
    `INSERT INTO suppressed_identities (identity_hash, deletion_id)
     SELECT h, $2::bigint FROM unnest($1::text[]) AS h ON CONFLICT (identity_hash) DO NOTHING`,
    [identities.map((i) => hasher.hash(i)), job.id],
  );
  await em.query(`UPDATE deletions SET identities = $2, phase = 'events', updated_at = now() WHERE id = $1::bigint`, [
    job.id,
    identities,
  ]);
  return identities;
}

/**
 * Erases one batch of the identities' events, and the request and response bodies of their
 * deliveries' attempts, and counts them on the deletion, in one transaction. The events keep their
 * id, messageId, type and times; their ids become keyed hashes, so they no longer match: the next
 * batch finds the rest, and a rerun after a crash finds nothing already done. Returns the events erased.
 */
export async function eraseEventBatch(
  em: EntityManager,
  job: ErasureJob,
  hasher: IdentityHasher,
  now: Date,
): Promise<number> {
  const ids = job.identities ?? [];
  // The one change the attempts' append-only trigger lets through, and only in this transaction. And
  // indexes only: when a user is a large share of a partition the planner would pick a sequential
  // scan, which every batch would repeat over the rows already erased.
  await em.query(`SELECT set_config('fsd.erasure', 'on', true), set_config('enable_seqscan', 'off', true)`);
  // received_at as text: a JS Date would drop the microseconds, and the bounds below must be exact.
  const batch = (await em.query(
    `SELECT id::text AS id, min(received_at) OVER ()::text AS first, max(received_at) OVER ()::text AS last
       FROM (SELECT id, received_at FROM events WHERE user_id = ANY($1::text[]) OR anonymous_id = ANY($1::text[])
              LIMIT $2) b`,
    [ids, ERASURE_BATCH],
  )) as { id: string; first: string; last: string }[];
  if (batch.length > 0) {
    // Updated by primary key, bounded in time so only the partitions holding the batch are touched.
    await em.query(
      `WITH hashes AS (SELECT * FROM unnest($1::text[], $2::text[]) AS m(v, h)),
       ev AS (
         UPDATE events e
            SET user_id = COALESCE((SELECT h FROM hashes WHERE v = e.user_id), e.user_id),
                anonymous_id = COALESCE((SELECT h FROM hashes WHERE v = e.anonymous_id), e.anonymous_id),
                payload = $3::json, raw = $3::json
          WHERE e.id = ANY($4::bigint[]) AND e.received_at >= $5::timestamptz AND e.received_at <= $6::timestamptz
         RETURNING e.id
       ),
       ${eraseAttemptBodiesCte('$4', '$3')}
       UPDATE deletions SET erased_events = erased_events + (SELECT count(*) FROM ev),
              erased_attempts = erased_attempts + (SELECT count(*) FROM att), updated_at = now()
        WHERE id = $7::bigint`,
      [
        ids,
        ids.map((i) => hasher.hash(i)),
        JSON.stringify(erasedTombstone(job.id, now)),
        batch.map((b) => b.id),
        batch[0].first,
        batch[0].last,
        job.id,
      ],
    );
  }
  if (batch.length < ERASURE_BATCH) {
    await em.query(`UPDATE deletions SET phase = 'rejected', updated_at = now() WHERE id = $1::bigint`, [job.id]);
  }
  return batch.length;
}

/** Erases one batch of the identities' rejected events (their payload becomes the tombstone). */
export async function eraseRejectedBatch(em: EntityManager, job: ErasureJob, now: Date): Promise<number> {
  const [row] = (await em.query(
    `WITH r AS (
       UPDATE rejected_events SET payload = $2::json, user_id = NULL, anonymous_id = NULL
        WHERE id IN (SELECT id FROM rejected_events
                      WHERE user_id = ANY($1::text[]) OR anonymous_id = ANY($1::text[]) LIMIT $3)
       RETURNING id
     ),
     counted AS (
       UPDATE deletions SET erased_rejected_events = erased_rejected_events + (SELECT count(*) FROM r),
              updated_at = now() WHERE id = $4::bigint
     )
     SELECT (SELECT count(*) FROM r)::int AS n`,
    // The id columns hold ids as storable text (NUL and lone surrogates escaped).
    [(job.identities ?? []).map(storableText), JSON.stringify(erasedTombstone(job.id, now)), ERASURE_BATCH, job.id],
  )) as { n: number }[];
  if (row.n < ERASURE_BATCH) {
    // Done: the plain ids are no longer needed; only their keyed hashes stay (suppression).
    await em.query(
      `UPDATE deletions SET phase = 'done', status = 'completed', user_ids = NULL, identities = NULL,
              finished_at = now(), updated_at = now(), lease_owner = NULL, lease_until = NULL
        WHERE id = $1::bigint`,
      [job.id],
    );
  }
  return row.n;
}
