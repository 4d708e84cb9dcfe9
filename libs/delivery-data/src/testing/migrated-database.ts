import { Pool } from 'pg';
import { dropTestDatabase, prepareDatabase } from '@fsd/platform';

/** For this library's specs: a freshly migrated database of their own, dropped afterwards. */
export async function migratedDatabase(name: string): Promise<{ pool: Pool; drop: () => Promise<void> }> {
  const dbName = `fsd_test_${name}_${process.pid}_${Date.now()}`;
  const url = `postgres://postgres@127.0.0.1:5432/${dbName}`;
  await prepareDatabase(url);
  const pool = new Pool({ connectionString: url, max: 4 });
  const drop = () => dropTestDatabase(pool, dbName);
  return { pool, drop };
}
