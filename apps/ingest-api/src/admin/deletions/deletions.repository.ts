import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { createDeletionDeliveries, eraseAttemptBodiesCte, forgetEndedDeletionUsers } from '@fsd/delivery-data';
import { IdentityHasher, erasedTombstone, storableText } from '@fsd/platform';
import { DeletionStatus, DestinationDeletionCounts } from './deletion-status';

/** Events erased per transaction: locks held well under a second, and 100,000 events in ~6 s (bench:erasure). */
export const ERASURE_BATCH = 5000;

export interface ErasureJob {
  id: string;
  phase: 'link' | 'events' | 'rejected' | 'done';
  user_ids: string[] | null;
  identities: string[] | null;
}

export interface DeletionRow {
  id: string;
  status: DeletionStatus;
  user_count: number;
  erased_events: string;
  erased_attempts: string;
  erased_rejected_events: string;
  error: string | null;
  created_at: Date;
  finished_at: Date | null;
}

/** Created: the request and its FullStory deletions (one delivery per destination and user). */
export interface CreatedDeletion {
  id: string;
  rows: { id: string; destination_id: string; logged_at: string }[];
}

const COLUMNS = `id::text AS id, status, user_count, erased_events, erased_attempts, erased_rejected_events, error,
                 created_at, finished_at`;
const ERASURE_COLUMNS = `id::text AS id, phase, user_ids, identities`;

/**
 * The one writer of `deletions` and `suppressed_identities`: the requests (with their deletion deliveries, through
 * @fsd/delivery-data), their reads, and the erasure job's lease and batches. An erasure batch also rewrites the
 * users' events and rejected events in place (their ids hashed, their bodies tombstoned), in its own transaction.
 */
@Injectable()
export class DeletionsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * The request and one deletion delivery per target destination and user, in one transaction; the target
   * destinations are every unarchived one, or the requested ones (`missing` names those that do not exist, and
   * nothing is written).
   */
  create(users: string[], requested: string[] | undefined): Promise<CreatedDeletion | { missing: string[] }> {
    return this.dataSource.transaction(async (em) => {
      const found: { id: string }[] = requested
        ? await em.query(
            'SELECT id::text AS id FROM destinations WHERE id = ANY($1::uuid[]) AND archived_at IS NULL ORDER BY created_at, id',
            [requested],
          )
        : await em.query('SELECT id::text AS id FROM destinations WHERE archived_at IS NULL ORDER BY created_at, id');
      const known = new Set(found.map((d) => d.id));
      const missing = (requested ?? []).filter((d) => !known.has(d));
      if (missing.length > 0) return { missing };
      const destinations = found.map((d) => d.id);
      const [{ id }] = (await em.query(
        `INSERT INTO deletions (user_count, user_ids, destination_ids) VALUES ($1, $2, $3::uuid[]) RETURNING id::text AS id`,
        [users.length, users, destinations],
      )) as { id: string }[];
      if (destinations.length === 0) return { id, rows: [] };
      return { id, rows: await createDeletionDeliveries(em, destinations, users, id) };
    });
  }

  async find(id: string): Promise<DeletionRow | undefined> {
    const [row] = (await this.dataSource.query(`SELECT ${COLUMNS} FROM deletions WHERE id = $1::bigint`, [
      id,
    ])) as DeletionRow[];
    return row;
  }

  /**
   * Newest first, below the `before` id when there is one. A scope (null: not limited in that dimension) keeps the
   * requests whose own target destinations are all inside it and whose destinations' connected sources are all
   * inside its sources; a request targeting no destination is outside every limited scope.
   */
  list(
    before: string | null,
    limit: number,
    scope: { destinationIds: string[] | null; sourceIds: string[] | null },
  ): Promise<DeletionRow[]> {
    return this.dataSource.query(
      `SELECT ${COLUMNS} FROM deletions d
        WHERE ($1::bigint IS NULL OR id < $1::bigint)
          AND ($3::uuid[] IS NULL OR (cardinality(destination_ids) > 0 AND destination_ids <@ $3::uuid[]))
          AND ($4::uuid[] IS NULL OR (
                EXISTS (SELECT 1 FROM destination_sources ds WHERE ds.destination_id = ANY(d.destination_ids))
                AND NOT EXISTS (SELECT 1 FROM destination_sources ds
                                 WHERE ds.destination_id = ANY(d.destination_ids) AND ds.source_id <> ALL($4::uuid[]))))
        ORDER BY id DESC LIMIT $2`,
      [before, limit, scope.destinationIds, scope.sourceIds],
    );
  }

  /** The requests' deletion deliveries counted per request and destination. */
  deliveryCounts(ids: string[]): Promise<(DestinationDeletionCounts & { deletion_id: string })[]> {
    return this.dataSource.query(
      `SELECT deletion_id::text AS deletion_id, destination_id::text AS "destinationId", count(*)::int AS total,
              count(*) FILTER (WHERE status IN ('delivered', 'skipped'))::int AS done,
              count(*) FILTER (WHERE status = 'failed')::int AS failed
         FROM deliveries WHERE deletion_id = ANY($1::bigint[])
        GROUP BY deletion_id, destination_id ORDER BY destination_id`,
      [ids],
    );
  }

  /** Pending erasures nobody else holds (at most 100, oldest first). */
  async unheld(owner: string): Promise<string[]> {
    const rows = (await this.dataSource.query(
      `SELECT id::text AS id FROM deletions
        WHERE status = 'pending' AND phase <> 'done' AND (lease_until IS NULL OR lease_until < now() OR lease_owner = $1)
        ORDER BY id LIMIT 100`,
      [owner],
    )) as { id: string }[];
    return rows.map((r) => r.id);
  }

  /** Takes or renews the lease; null when the erasure is over or another owner holds it. */
  async claim(id: string, owner: string, leaseMs: number): Promise<ErasureJob | null> {
    const rows = (await this.dataSource.query(
      `UPDATE deletions SET lease_owner = $2, lease_until = now() + make_interval(secs => $3::float / 1000)
        WHERE id = $1::bigint AND status = 'pending' AND phase <> 'done'
          AND (lease_until IS NULL OR lease_until < now() OR lease_owner = $2)
        RETURNING ${ERASURE_COLUMNS}`,
      [id, owner, leaseMs],
    )) as [ErasureJob[], number];
    return rows[0][0] ?? null;
  }

  async releaseAll(owner: string): Promise<void> {
    await this.dataSource.query(`UPDATE deletions SET lease_owner = NULL, lease_until = NULL WHERE lease_owner = $1`, [
      owner,
    ]);
  }

  async fail(id: string, error: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE deletions SET status = 'failed', error = $2, finished_at = now(), updated_at = now(),
              lease_owner = NULL, lease_until = NULL
        WHERE id = $1::bigint AND status = 'pending'`,
      [id, error.slice(0, 2000)],
    );
  }

  /** One batch of forgetEndedDeletionUsers (@fsd/delivery-data) in a transaction; returns the deliveries rewritten. */
  forgetEndedUsers(hash: (userId: string) => string): Promise<number> {
    return this.dataSource.transaction((em) => forgetEndedDeletionUsers(em, hash));
  }

  /** The job's next step at its phase, in one transaction. */
  async step(job: ErasureJob, hasher: IdentityHasher, now: Date): Promise<void> {
    await this.dataSource.transaction(async (em) => {
      if (job.phase === 'link') await this.linkIdentities(em, job, hasher);
      else if (job.phase === 'events') await this.eraseEventBatch(em, job, hasher, now);
      else if (job.phase === 'rejected') await this.eraseRejectedBatch(em, job, now);
    });
  }

  /**
   * The ids to erase: the users, and the anonymous ids (identify) and previous ids (alias) that their
   * events link to them. Found before anything is erased (erasure replaces the ids it would follow),
   * then suppressed at once, as keyed hashes only.
   */
  private async linkIdentities(em: EntityManager, job: ErasureJob, hasher: IdentityHasher): Promise<void> {
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
  }

  /**
   * Erases one batch of the identities' events, and the request and response bodies of their
   * deliveries' attempts, and counts them on the deletion, in one transaction. The events keep their
   * id, messageId, type and times; their ids become keyed hashes, so they no longer match: the next
   * batch finds the rest, and a rerun after a crash finds nothing already done.
   */
  private async eraseEventBatch(em: EntityManager, job: ErasureJob, hasher: IdentityHasher, now: Date) {
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
  }

  /** Erases one batch of the identities' rejected events (their payload becomes the tombstone). */
  private async eraseRejectedBatch(em: EntityManager, job: ErasureJob, now: Date): Promise<void> {
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
  }
}
