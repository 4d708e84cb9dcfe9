import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Who changed what through the admin API, the operations page or the queue dashboard. Append-only: the database
 * itself refuses UPDATE, DELETE and TRUNCATE, so not even a bug (or an admin with SQL through the app's role)
 * rewrites the trail from the application.
 */
export class AdminAuditLog1764581000000 implements MigrationInterface {
  name = 'AdminAuditLog1764581000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE admin_audit_log (
        id bigserial PRIMARY KEY,
        at timestamptz NOT NULL DEFAULT now(),
        token_id text NOT NULL,
        token_name text NOT NULL,
        client_address text NOT NULL,
        via text NOT NULL CHECK (via IN ('api', 'ops-ui', 'dashboard')),
        action text NOT NULL,
        target_type text,
        target_id text,
        details jsonb
      )`);
    await q.query(`CREATE INDEX admin_audit_log_at_idx ON admin_audit_log (at, id)`);
    await q.query(`CREATE INDEX admin_audit_log_token_idx ON admin_audit_log (token_id, id)`);
    await q.query(`
      CREATE FUNCTION admin_audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'admin_audit_log is append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await q.query(`
      CREATE TRIGGER admin_audit_log_no_change BEFORE UPDATE OR DELETE ON admin_audit_log
        FOR EACH ROW EXECUTE FUNCTION admin_audit_log_append_only()`);
    await q.query(`
      CREATE TRIGGER admin_audit_log_no_truncate BEFORE TRUNCATE ON admin_audit_log
        FOR EACH STATEMENT EXECUTE FUNCTION admin_audit_log_append_only()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS admin_audit_log`);
    await q.query(`DROP FUNCTION IF EXISTS admin_audit_log_append_only()`);
  }
}
