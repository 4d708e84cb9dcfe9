import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A rotated write key can keep working for an overlap window, so senders can be switched to the new key
 * without dropping events. The previous key's hash and its end of validity sit beside the current key; a new
 * rotation replaces them. Existing sources have no previous key.
 */
export class WriteKeyOverlap1764583000000 implements MigrationInterface {
  name = 'WriteKeyOverlap1764583000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE sources
         ADD COLUMN IF NOT EXISTS previous_write_key_hash text,
         ADD COLUMN IF NOT EXISTS previous_write_key_hint text,
         ADD COLUMN IF NOT EXISTS previous_write_key_expires_at timestamptz`,
    );
    await q.query(
      `CREATE UNIQUE INDEX IF NOT EXISTS sources_previous_write_key_idx
         ON sources (previous_write_key_hash) WHERE previous_write_key_hash IS NOT NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS sources_previous_write_key_idx`);
    await q.query(
      `ALTER TABLE sources DROP COLUMN IF EXISTS previous_write_key_hash,
         DROP COLUMN IF EXISTS previous_write_key_hint, DROP COLUMN IF EXISTS previous_write_key_expires_at`,
    );
  }
}
