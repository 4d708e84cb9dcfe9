import { Client, Pool } from 'pg';

/**
 * Ends a spec's pool and drops its database. pool.end() resolves once its clients are told to close, not once
 * their sockets have: the DROP … WITH (FORCE) can still terminate one, which then emits 'error' on the pool.
 * Expected here, at teardown only.
 */
export async function dropTestDatabase(pool: Pool, dbName: string): Promise<void> {
  pool.on('error', () => undefined);
  await pool.end();
  const admin = new Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}
