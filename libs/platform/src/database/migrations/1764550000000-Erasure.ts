import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * User erasure (POST /admin/deletions) and suppression.
 *
 * deletions: one row per request. It drives the local erasure as a resumable job: the runner holds
 * a lease, erases in batches, and commits each batch with its counters, so after a crash it resumes
 * where it stopped (erased rows no longer match, which also makes it idempotent). `user_ids` and
 * `identities` (the users plus the anonymous ids the log links to them) are the plain ids the job
 * needs while it runs; they are cleared when it completes.
 * deliveries.deletion_id: the FullStory deletions (one per destination and user) of a request.
 * suppressed_identities: keyed hashes (HMAC) of erased ids only; the worker, replay and redrive check it.
 * rejected_events.user_id / anonymous_id (from the item, indexed): finds a user's rejected events without a scan.
 * delivery_attempts stay append-only, except that an erasure (a transaction that sets
 * fsd.erasure = 'on') may replace the request and response bodies, and nothing else.
 */
export class Erasure1764550000000 implements MigrationInterface {
  name = 'Erasure1764550000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE deletions (
        id bigserial PRIMARY KEY,
        user_count integer NOT NULL,
        user_ids text[],
        identities text[],
        destination_ids uuid[] NOT NULL,
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'completed', 'failed')),
        phase text NOT NULL DEFAULT 'link' CHECK (phase IN ('link', 'events', 'rejected', 'done')),
        erased_events bigint NOT NULL DEFAULT 0,
        erased_attempts bigint NOT NULL DEFAULT 0,
        erased_rejected_events bigint NOT NULL DEFAULT 0,
        error text,
        lease_owner text,
        lease_until timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        finished_at timestamptz
      )`);
    await q.query(`CREATE INDEX deletions_pending_idx ON deletions (id) WHERE status = 'pending'`);
    await q.query(`CREATE INDEX deletions_created_idx ON deletions (created_at, id)`);
    await q.query(`ALTER TABLE deliveries ADD COLUMN deletion_id bigint REFERENCES deletions(id)`);
    await q.query(`CREATE INDEX deliveries_deletion_idx ON deliveries (deletion_id) WHERE deletion_id IS NOT NULL`);
    await q.query(`
      CREATE TABLE suppressed_identities (
        identity_hash text PRIMARY KEY,
        deletion_id bigint NOT NULL REFERENCES deletions(id),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    // Columns, not expression indexes on the json payload: ->> must de-escape the whole document, and fails on
    // the \u0000 or lone-surrogate escapes a hostile item may hold, which would refuse its insert. Existing rows
    // holding such an escape are left without ids (they cannot be read by Postgres either).
    await q.query(`ALTER TABLE rejected_events ADD COLUMN user_id text, ADD COLUMN anonymous_id text`);
    await q.query(`
      UPDATE rejected_events SET user_id = payload->>'userId', anonymous_id = payload->>'anonymousId'
       WHERE CASE WHEN payload::text ~ '\\\\u(0000|[dD][89a-fA-F])' THEN false
                  ELSE json_typeof(payload) = 'object' END`);
    await q.query(`CREATE INDEX rejected_events_user_idx ON rejected_events (user_id) WHERE user_id IS NOT NULL`);
    await q.query(
      `CREATE INDEX rejected_events_anonymous_idx ON rejected_events (anonymous_id) WHERE anonymous_id IS NOT NULL`,
    );
    await q.query(`
      CREATE FUNCTION guard_attempt_rewrite() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF current_setting('fsd.erasure', true) = 'on'
           AND to_jsonb(NEW) - 'request_body' - 'response_body' = to_jsonb(OLD) - 'request_body' - 'response_body' THEN
          RETURN NEW;
        END IF;
        RAISE EXCEPTION 'audit rows are append-only (% on %)', TG_OP, TG_TABLE_NAME;
      END $$`);
    await q.query(`DROP TRIGGER delivery_attempts_append_only ON delivery_attempts`);
    await q.query(`
      CREATE TRIGGER delivery_attempts_append_only BEFORE UPDATE ON delivery_attempts
      FOR EACH ROW EXECUTE FUNCTION guard_attempt_rewrite()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER delivery_attempts_append_only ON delivery_attempts`);
    await q.query(`
      CREATE TRIGGER delivery_attempts_append_only BEFORE UPDATE ON delivery_attempts
      FOR EACH ROW EXECUTE FUNCTION forbid_audit_rewrite()`);
    await q.query(`DROP FUNCTION IF EXISTS guard_attempt_rewrite()`);
    await q.query(`DROP INDEX IF EXISTS rejected_events_anonymous_idx`);
    await q.query(`DROP INDEX IF EXISTS rejected_events_user_idx`);
    await q.query(`ALTER TABLE rejected_events DROP COLUMN IF EXISTS user_id, DROP COLUMN IF EXISTS anonymous_id`);
    await q.query(`DROP TABLE IF EXISTS suppressed_identities`);
    await q.query(`ALTER TABLE deliveries DROP COLUMN IF EXISTS deletion_id`);
    await q.query(`DROP TABLE IF EXISTS deletions`);
  }
}
