import { Client, Pool } from 'pg';
import { prepareDatabase, until } from '@fsd/platform';
import type { WorkerConfig } from '../config/worker.config';
import { DestinationChanges } from './destination-changes.service';

const DATABASE_URL = `postgres://postgres@127.0.0.1:5432/fsd_test_changes_${process.pid}_${Date.now()}`;

/** Against a migrated database of its own (the trigger comes with the migrations), dropped afterwards. */
describe('DestinationChanges', () => {
  let pool: Pool;
  let changes: DestinationChanges;
  const seen: string[] = [];
  let reconnects = 0;

  beforeAll(async () => {
    await prepareDatabase(DATABASE_URL);
    pool = new Pool({ connectionString: DATABASE_URL, max: 2 });
    changes = new DestinationChanges({ databaseUrl: DATABASE_URL } as WorkerConfig);
    await changes.listen(
      (id) => seen.push(id),
      () => reconnects++,
    );
  });

  afterAll(async () => {
    await changes.onApplicationShutdown();
    await pool.end();
    const admin = new Client({ connectionString: DATABASE_URL.replace(/\/[^/]+$/, '/postgres') });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${new URL(DATABASE_URL).pathname.slice(1)}" WITH (FORCE)`);
    await admin.end();
  });

  const insert = async (name: string) =>
    (
      await pool.query<{ id: string }>(
        `INSERT INTO destinations (name, api_key_encrypted) VALUES ($1, 'x') RETURNING id::text`,
        [name],
      )
    ).rows[0].id;

  it('hears every insert, update and delete of a destination at commit, with its id', async () => {
    const id = await insert('a');
    await pool.query(`UPDATE destinations SET paused = true WHERE id = $1`, [id]);
    await pool.query(`DELETE FROM destinations WHERE id = $1`, [id]);
    await until('three notifications', () => seen.length >= 3);
    expect(seen).toEqual([id, id, id]);
  });

  it('nothing before the commit: a rolled-back change is never heard', async () => {
    seen.length = 0;
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(`INSERT INTO destinations (name, api_key_encrypted) VALUES ('rolled back', 'x')`);
      await client.query('ROLLBACK');
    } finally {
      client.release();
    }
    // The sentinel: a later committed change is heard alone.
    const id = await insert('b');
    await until('the sentinel', () => seen.length >= 1);
    expect(seen).toEqual([id]);
  });

  it('reconnects when its connection is cut, reports the gap, and hears later changes', async () => {
    seen.length = 0;
    await pool.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
        WHERE datname = current_database() AND application_name = 'fsd-worker-listen'`,
    );
    await until('the reconnection', () => reconnects === 1);
    const id = await insert('c');
    await until('a notification after the reconnection', () => seen.length >= 1);
    expect(seen).toEqual([id]);
  });
});
