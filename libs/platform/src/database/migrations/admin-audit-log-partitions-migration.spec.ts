import { Pool } from 'pg';
import { MIGRATIONS } from '../data-source';
import { ensureDatabaseExists } from '../bootstrap';
import { dropTestDatabase } from '../testing/drop-test-database';
import { migrateUpTo as migrate, undoLastMigration } from '../testing/migrate-up-to';
import { AdminAuditLogPartitions1764720000000 } from './1764720000000-AdminAuditLogPartitions';

/** Upgrades: partitioning the admin audit log keeps every row of a database filled by the previous schema. */
describe('migration 1764720000000-AdminAuditLogPartitions on a filled database', () => {
  const dbName = `fsd_test_audit_log_partitions_${process.pid}_${Date.now()}`;
  const url = `postgres://postgres@127.0.0.1:5432/${dbName}`;
  let pool: Pool;
  let before: Array<Record<string, unknown>>;
  const rows = async <T>(sql: string, values: unknown[] = []): Promise<T[]> => (await pool.query(sql, values)).rows;
  const refusal = async (sql: string): Promise<string> => {
    try {
      await pool.query(sql);
      return 'accepted';
    } catch (e) {
      return (e as Error).message;
    }
  };

  beforeAll(async () => {
    await ensureDatabaseExists(url);
    await migrate(url, MIGRATIONS.indexOf(AdminAuditLogPartitions1764720000000));
    pool = new Pool({ connectionString: url, max: 3 });
    // Entries over 14 months under the previous schema (one without details), appended as the app does.
    await pool.query(`
      INSERT INTO admin_audit_log (at, token_id, token_name, client_address, via, action, target_type, target_id, details)
        SELECT now() - make_interval(days => g * 30), 't' || g, 'name ' || g, '10.0.0.' || g,
               (ARRAY['api', 'ops-ui', 'dashboard'])[1 + g % 3], 'source.update', 'source', 's' || g,
               CASE WHEN g = 0 THEN NULL ELSE jsonb_build_object('n', g) END
          FROM generate_series(0, 13) g`);
    before = await rows(`SELECT * FROM admin_audit_log ORDER BY id`);
    // Up to this migration only, so that undoing the last migration undoes this one whatever comes after it.
    await migrate(url, MIGRATIONS.indexOf(AdminAuditLogPartitions1764720000000) + 1);
  }, 120_000);

  afterAll(() => dropTestDatabase(pool, dbName), 30_000);

  it('keeps every row with its id, each in the partition of its month', async () => {
    expect(before).toHaveLength(14);
    expect(await rows(`SELECT * FROM admin_audit_log ORDER BY id`)).toEqual(before);
    const misplaced = await rows(`
      SELECT id FROM admin_audit_log
       WHERE tableoid::regclass::text <> 'admin_audit_log_p' || to_char(at AT TIME ZONE 'UTC', 'YYYYMM')`);
    expect(misplaced).toEqual([]);
    const [{ kind }] = await rows<{ kind: string }>(
      `SELECT relkind::text AS kind FROM pg_class WHERE relname = 'admin_audit_log'`,
    );
    expect(kind).toBe('p');
  });

  it('creates the months ahead and numbers new entries after the old ones', async () => {
    const [{ ahead }] = await rows<{ ahead: boolean }>(
      `SELECT to_regclass('admin_audit_log_p' || to_char(now() + interval '3 months', 'YYYYMM')) IS NOT NULL AS ahead`,
    );
    expect(ahead).toBe(true);
    const [{ id }] = await rows<{ id: string }>(`
      INSERT INTO admin_audit_log (token_id, token_name, client_address, via, action)
      VALUES ('t', 'n', '10.0.0.1', 'api', 'token.create') RETURNING id::text`);
    expect(BigInt(id)).toBe(BigInt(String(before[before.length - 1].id)) + 1n);
  });

  it('stays append-only: UPDATE, DELETE and TRUNCATE refused, on the log and on a partition', async () => {
    const partition = `admin_audit_log_p${new Date().toISOString().slice(0, 7).replace('-', '')}`;
    for (const table of ['admin_audit_log', partition]) {
      expect(await refusal(`UPDATE ${table} SET action = 'x'`)).toMatch(/append-only \(UPDATE refused\)/);
      expect(await refusal(`DELETE FROM ${table}`)).toMatch(/append-only \(DELETE refused\)/);
      expect(await refusal(`TRUNCATE ${table}`)).toMatch(/append-only \(TRUNCATE refused\)/);
    }
    expect(await rows(`SELECT count(*)::int AS n FROM admin_audit_log`)).toEqual([{ n: 15 }]);
  });

  it('reverts to one append-only table holding every row', async () => {
    const all = await rows(`SELECT * FROM admin_audit_log ORDER BY id`);
    await undoLastMigration(url);
    expect(await rows(`SELECT * FROM admin_audit_log ORDER BY id`)).toEqual(all);
    expect(await rows(`SELECT relkind::text AS kind FROM pg_class WHERE relname = 'admin_audit_log'`)).toEqual([
      { kind: 'r' },
    ]);
    expect(await refusal(`DELETE FROM admin_audit_log`)).toMatch(/append-only \(DELETE refused\)/);
    expect(await refusal(`TRUNCATE admin_audit_log`)).toMatch(/append-only \(TRUNCATE refused\)/);
  });
});
