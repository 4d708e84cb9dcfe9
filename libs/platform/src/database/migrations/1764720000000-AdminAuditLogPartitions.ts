import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The admin audit log, partitioned by month of `at`, so that entries past ADMIN_AUDIT_RETENTION_DAYS leave by
 * dropping whole partitions (the ingest API's audit-log retention job) while rows stay append-only: UPDATE and
 * DELETE are still refused on every partition (a row trigger on the parent is cloned to each), TRUNCATE on the
 * parent and on each partition. Existing rows are copied into their months with their ids; the id sequence goes on.
 *
 * `admin_audit_log_ensure_partitions(first, last)` creates the missing months from `first` to `last` (each with its
 * TRUNCATE trigger), under an advisory lock so that several ingest processes may call it at once.
 */
export class AdminAuditLogPartitions1764720000000 implements MigrationInterface {
  name = 'AdminAuditLogPartitions1764720000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE admin_audit_log RENAME TO admin_audit_log_unpartitioned`);
    await q.query(`ALTER INDEX admin_audit_log_pkey RENAME TO admin_audit_log_unpartitioned_pkey`);
    await q.query(`ALTER INDEX admin_audit_log_at_idx RENAME TO admin_audit_log_unpartitioned_at_idx`);
    await q.query(`ALTER INDEX admin_audit_log_token_idx RENAME TO admin_audit_log_unpartitioned_token_idx`);
    await q.query(`
      CREATE TABLE admin_audit_log (
        id bigint NOT NULL DEFAULT nextval('admin_audit_log_id_seq'),
        ${COLUMNS},
        PRIMARY KEY (id, at)
      ) PARTITION BY RANGE (at)`);
    await sequenceAndIndexes(q);
    await appendOnlyTriggers(q);
    await q.query(`
      CREATE FUNCTION admin_audit_log_ensure_partitions(first_day date, last_day date) RETURNS void
      LANGUAGE plpgsql AS $$
      DECLARE
        month date := date_trunc('month', first_day)::date;
        name text;
      BEGIN
        PERFORM pg_advisory_xact_lock(hashtext('admin_audit_log_partitions'));
        WHILE month <= last_day LOOP
          name := 'admin_audit_log_p' || to_char(month, 'YYYYMM');
          IF to_regclass(name) IS NULL THEN
            EXECUTE format('CREATE TABLE %I PARTITION OF admin_audit_log FOR VALUES FROM (%L) TO (%L)', name,
                           to_char(month, 'YYYY-MM-DD') || ' 00:00:00+00',
                           to_char(month + interval '1 month', 'YYYY-MM-DD') || ' 00:00:00+00');
            EXECUTE format('CREATE TRIGGER admin_audit_log_no_truncate BEFORE TRUNCATE ON %I
                              FOR EACH STATEMENT EXECUTE FUNCTION admin_audit_log_append_only()', name);
          END IF;
          month := (month + interval '1 month')::date;
        END LOOP;
      END $$`);
    // Every month holding a row, through three months ahead (the retention job keeps creating them ahead).
    await q.query(`
      SELECT admin_audit_log_ensure_partitions(
               (COALESCE(min(at), now()) AT TIME ZONE 'UTC')::date,
               (GREATEST(COALESCE(max(at), now()), now() + interval '3 months') AT TIME ZONE 'UTC')::date)
        FROM admin_audit_log_unpartitioned`);
    await q.query(`INSERT INTO admin_audit_log SELECT * FROM admin_audit_log_unpartitioned`);
    await q.query(`DROP TABLE admin_audit_log_unpartitioned`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE admin_audit_log RENAME TO admin_audit_log_partitioned`);
    await q.query(`ALTER INDEX admin_audit_log_at_idx RENAME TO admin_audit_log_partitioned_at_idx`);
    await q.query(`ALTER INDEX admin_audit_log_token_idx RENAME TO admin_audit_log_partitioned_token_idx`);
    await q.query(`ALTER INDEX admin_audit_log_pkey RENAME TO admin_audit_log_partitioned_pkey`);
    await q.query(`
      CREATE TABLE admin_audit_log (
        id bigint PRIMARY KEY DEFAULT nextval('admin_audit_log_id_seq'),
        ${COLUMNS}
      )`);
    await sequenceAndIndexes(q);
    await q.query(`INSERT INTO admin_audit_log SELECT * FROM admin_audit_log_partitioned`);
    await q.query(`DROP TABLE admin_audit_log_partitioned`);
    await q.query(`DROP FUNCTION admin_audit_log_ensure_partitions(date, date)`);
    await appendOnlyTriggers(q);
  }
}

/** The columns after `id`, the same in the partitioned table (up) and the plain one (down). */
const COLUMNS = `at timestamptz NOT NULL DEFAULT now(),
        token_id text NOT NULL,
        token_name text NOT NULL,
        client_address text NOT NULL,
        via text NOT NULL CHECK (via IN ('api', 'ops-ui', 'dashboard')),
        action text NOT NULL,
        target_type text,
        target_id text,
        details jsonb`;

/** The new table takes over the id sequence (the old table's goes on numbering, not dropped with it) and indexes. */
async function sequenceAndIndexes(q: QueryRunner): Promise<void> {
  await q.query(`ALTER SEQUENCE admin_audit_log_id_seq OWNED BY admin_audit_log.id`);
  await q.query(`CREATE INDEX admin_audit_log_at_idx ON admin_audit_log (at, id)`);
  await q.query(`CREATE INDEX admin_audit_log_token_idx ON admin_audit_log (token_id, id)`);
}

/** UPDATE, DELETE and TRUNCATE refused on the table (the row trigger is cloned to each partition). */
async function appendOnlyTriggers(q: QueryRunner): Promise<void> {
  await q.query(`
    CREATE TRIGGER admin_audit_log_no_change BEFORE UPDATE OR DELETE ON admin_audit_log
      FOR EACH ROW EXECUTE FUNCTION admin_audit_log_append_only()`);
  await q.query(`
    CREATE TRIGGER admin_audit_log_no_truncate BEFORE TRUNCATE ON admin_audit_log
      FOR EACH STATEMENT EXECUTE FUNCTION admin_audit_log_append_only()`);
}
