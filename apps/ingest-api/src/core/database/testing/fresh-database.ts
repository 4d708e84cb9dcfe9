import { Pool } from 'pg';
import type { DataSource } from 'typeorm';
import { createDataSource, dropTestDatabase, prepareDatabase } from '@fsd/platform';

export interface FreshDatabase {
  /** Plain pg pool: what the read pool and the hot path's pool are in the app. */
  pool: Pool;
  /** TypeORM's DataSource, as the app's configuration repositories get it. */
  dataSource: DataSource;
  /** A query's rows, for setting up and asserting. */
  rows: <T>(sql: string, values?: unknown[]) => Promise<T[]>;
  drop: () => Promise<void>;
}

/** For the repositories' specs: a freshly migrated database of their own, dropped afterwards. */
export async function freshDatabase(name: string): Promise<FreshDatabase> {
  const dbName = `fsd_test_${name}_${process.pid}_${Date.now()}`;
  const url = `postgres://postgres@127.0.0.1:5432/${dbName}`;
  await prepareDatabase(url);
  const pool = new Pool({ connectionString: url, max: 4 });
  const dataSource = createDataSource(url, 2);
  await dataSource.initialize();
  const rows = async <T>(sql: string, values: unknown[] = []): Promise<T[]> =>
    (await pool.query(sql, values)).rows as T[];
  const drop = async () => {
    await dataSource.destroy();
    await dropTestDatabase(pool, dbName);
  };
  return { pool, dataSource, rows, drop };
}
