import { Client } from 'pg';
import { redactUrl } from '../config/env';
import { createDataSource } from './data-source';
import { AUDIT_PARTITIONS_AHEAD_AT_START } from './migrations/1764700000000-Retention';

/** Thrown when Postgres cannot be reached; the message says where we looked and how to start it. */
export class DatabaseUnreachableError extends Error {
  constructor(url: string, cause: unknown) {
    super(
      `Cannot reach Postgres at ${redactUrl(url)} (${cause instanceof Error ? cause.message : String(cause)}).\n` +
        `Start it, for example with \`docker compose up -d postgres redis\`, or on Debian with ` +
        '`pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start`; ' +
        'or point DATABASE_URL at a running server.',
    );
    this.name = 'DatabaseUnreachableError';
  }
}

const MIGRATION_LOCK_ID = 7_300_417_001;

/** Creates the database if missing (idempotent, race-safe between apps starting together). */
export async function ensureDatabaseExists(databaseUrl: string): Promise<void> {
  const target = new URL(databaseUrl);
  const dbName = decodeURIComponent(target.pathname.replace(/^\//, '')) || 'postgres';
  const probe = new Client({ connectionString: databaseUrl, connectionTimeoutMillis: 5000 });
  try {
    await probe.connect();
    await probe.end();
    return;
  } catch (e) {
    await probe.end().catch(() => undefined);
    if ((e as { code?: string }).code !== '3D000') throw new DatabaseUnreachableError(databaseUrl, e);
  }
  const adminUrl = new URL(databaseUrl);
  adminUrl.pathname = '/postgres';
  const admin = new Client({ connectionString: adminUrl.toString(), connectionTimeoutMillis: 5000 });
  try {
    await admin.connect();
    await admin.query(`CREATE DATABASE "${dbName.replace(/"/g, '""')}"`);
  } catch (e) {
    // 42P04: another app created it first.
    if ((e as { code?: string }).code !== '42P04') throw new DatabaseUnreachableError(adminUrl.toString(), e);
  } finally {
    await admin.end().catch(() => undefined);
  }
}

/** Creates the database if needed and runs pending migrations under an advisory lock. */
export async function prepareDatabase(databaseUrl: string): Promise<string[]> {
  await ensureDatabaseExists(databaseUrl);
  const ds = createDataSource(databaseUrl, 2);
  await ds.initialize();
  const runner = ds.createQueryRunner();
  try {
    await runner.connect();
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_ID]);
    const ran = await ds.runMigrations({ transaction: 'each' });
    await runner.query('SELECT ensure_event_partitions(7)');
    await runner.query(`SELECT ensure_audit_partitions(${AUDIT_PARTITIONS_AHEAD_AT_START})`);
    return ran.map((m) => m.name);
  } finally {
    await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_ID]).catch(() => undefined);
    await runner.release();
    await ds.destroy();
  }
}
