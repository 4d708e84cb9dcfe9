import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Role tokens for the admin API, the operations page and the queue dashboard. Only a SHA-256 of each token is kept
 * (the token is 256 random bits, so a plain hash is enough: nothing to guess from it). A token may be limited to
 * some sources and/or destinations (NULL: not limited in that dimension). Revocation keeps the row for the audit log.
 */
export class AdminTokens1764580000000 implements MigrationInterface {
  name = 'AdminTokens1764580000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE admin_tokens (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
        role text NOT NULL CHECK (role IN ('admin', 'operator', 'auditor', 'privacy')),
        token_hash text NOT NULL UNIQUE,
        source_ids uuid[],
        destination_ids uuid[],
        expires_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        created_by text NOT NULL,
        revoked_at timestamptz
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS admin_tokens`);
  }
}
