import { Client, Pool } from 'pg';
import { ResilientClient } from './resilient-client';

const URL = 'postgres://postgres@127.0.0.1:5432/postgres';

/** Against the real server: a checked-out client's backend is terminated, as when Postgres goes away. */
describe('ResilientClient', () => {
  let pool: Pool;
  let admin: Client;

  beforeAll(async () => {
    pool = new Pool({ connectionString: URL, max: 2, Client: ResilientClient });
    admin = new Client({ connectionString: URL });
    await admin.connect();
  });

  afterAll(async () => {
    await admin.end();
    await pool.end();
  });

  it('survives its connection dropping while checked out; the pool then serves a working client', async () => {
    const held = await pool.connect();
    const pid = (await held.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid;
    // Nothing is running on it: the drop can only surface as the client's 'error' event (which, unheard, ended
    // the process). pg emits 'end' after it has handled that error, so the test waits for it (no 'error' listener).
    const ended = new Promise((resolve) => held.once('end', resolve));
    await admin.query('SELECT pg_terminate_backend($1)', [pid]);
    await ended;
    await expect(held.query('SELECT 1')).rejects.toThrow();
    held.release(true);

    const fresh = await pool.connect();
    try {
      expect((await fresh.query<{ ok: number }>('SELECT 1 AS ok')).rows).toEqual([{ ok: 1 }]);
      expect((await fresh.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid).not.toBe(pid);
    } finally {
      fresh.release();
    }
  });
});
