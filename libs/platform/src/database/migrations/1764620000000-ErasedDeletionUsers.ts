import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A deletion delivery needs its user's plain id only until it ends (the DELETE request is built from it). Once it
 * has ended, the erasure sweep replaces the id on the delivery and in its attempts' request URLs by the keyed hash
 * (suppression keeps the user out meanwhile). The attempts' guard therefore lets an erasure rewrite request_url too,
 * and nothing more. The partial index holds only deletions still carrying a plain id, so the sweep reads no others.
 */
export class ErasedDeletionUsers1764620000000 implements MigrationInterface {
  name = 'ErasedDeletionUsers1764620000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(guard(`- 'request_body' - 'response_body' - 'request_url'`));
    await q.query(
      `CREATE INDEX IF NOT EXISTS deliveries_deletion_plain_user_idx ON deliveries (id)
        WHERE kind = 'deletion' AND deletion_user_id NOT LIKE 'erased:%'`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS deliveries_deletion_plain_user_idx`);
    await q.query(guard(`- 'request_body' - 'response_body'`));
  }
}

function guard(rewritable: string): string {
  return `
    CREATE OR REPLACE FUNCTION guard_attempt_rewrite() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF current_setting('fsd.erasure', true) = 'on' AND to_jsonb(NEW) ${rewritable} = to_jsonb(OLD) ${rewritable} THEN
        RETURN NEW;
      END IF;
      RAISE EXCEPTION 'audit rows are append-only (% on %)', TG_OP, TG_TABLE_NAME;
    END $$`;
}
