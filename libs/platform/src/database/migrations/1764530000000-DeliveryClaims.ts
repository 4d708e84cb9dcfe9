import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One runner per delivery, and live destination settings.
 *
 * deliveries.claimed_until / claim_token: the claim a worker takes in the statement that loads a delivery
 * (only when no unexpired claim exists) and releases with the outcome write. The jobs `d<id>`, `d<id>-r<n>`
 * (replay) and `d<id>-rd<t>` (redrive) of one delivery can run at once on two workers; the claim keeps at
 * most one attempt of a delivery in flight. The lease outlasts the HTTP timeout (JOB_LOCK_MS), so a worker
 * that dies holding a claim only delays the delivery. Both columns are nullable: adding them rewrites nothing.
 *
 * destinations.paused: a destination held by POST /admin/destinations/:id/pause (its BullMQ queue is paused
 * too; the column is the truth the workers restore the queue's state from, e.g. after Redis lost it).
 *
 * destination_changed: every change of a destination row (or of its mappings, which touch the row) is
 * announced with NOTIFY fsd_destination_changed '<id>' at commit, so every worker applies concurrency, rate
 * limit, enabled and pause within a second, and serves a new destination from its first event.
 */
export class DeliveryClaims1764530000000 implements MigrationInterface {
  name = 'DeliveryClaims1764530000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE deliveries ADD COLUMN claimed_until timestamptz, ADD COLUMN claim_token text`);
    await q.query(`ALTER TABLE destinations ADD COLUMN paused boolean NOT NULL DEFAULT false`);
    await q.query(`
      CREATE FUNCTION notify_destination_changed() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('fsd_destination_changed', COALESCE(NEW.id, OLD.id)::text);
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER destination_changed AFTER INSERT OR UPDATE OR DELETE ON destinations
        FOR EACH ROW EXECUTE FUNCTION notify_destination_changed()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER IF EXISTS destination_changed ON destinations`);
    await q.query(`DROP FUNCTION IF EXISTS notify_destination_changed()`);
    await q.query(`ALTER TABLE destinations DROP COLUMN IF EXISTS paused`);
    await q.query(`ALTER TABLE deliveries DROP COLUMN IF EXISTS claim_token, DROP COLUMN IF EXISTS claimed_until`);
  }
}
