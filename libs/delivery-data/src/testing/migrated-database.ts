import { Client, Pool } from 'pg';
import { prepareDatabase } from '@fsd/platform';

/** For this library's specs: a freshly migrated database of their own, dropped afterwards. */
export async function migratedDatabase(name: string): Promise<{ pool: Pool; drop: () => Promise<void> }> {
  const dbName = `fsd_test_${name}_${process.pid}_${Date.now()}`;
  const url = `postgres://postgres@127.0.0.1:5432/${dbName}`;
  await prepareDatabase(url);
  const pool = new Pool({ connectionString: url, max: 4 });
  const drop = async () => {
    // pool.end() resolves once its clients are told to close, not once their sockets have: the DROP … WITH (FORCE)
    // below can still terminate one, which then emits 'error' on the pool. Expected here, at teardown only.
    pool.on('error', () => undefined);
    await pool.end();
    const admin = new Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' });
    await admin.connect();
    try {
      await admin.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
    } finally {
      await admin.end();
    }
  };
  return { pool, drop };
}
