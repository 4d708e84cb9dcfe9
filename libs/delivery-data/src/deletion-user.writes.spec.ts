import type { Pool } from 'pg';
import { forgetEndedDeletionUsers } from './deletion-user.writes';
import { migratedDatabase } from './testing/migrated-database';

const USER = 'ada@example.com';
const hash = (u: string) => `erased:h(${u})`;

/** A deletion delivery keeps its user's plain id until it ends; then only the keyed hash. */
describe('forgetEndedDeletionUsers', () => {
  let pool: Pool;
  let drop: () => Promise<void>;
  let destinationId: string;

  const one = async <T>(sql: string, values: unknown[] = []): Promise<T> =>
    (await pool.query(sql, values)).rows[0] as T;
  const inTransaction = async <T>(fn: (db: Pool) => Promise<T>): Promise<T> => {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      const out = await fn(client as unknown as Pool);
      await client.query('COMMIT');
      return out;
    } catch (e) {
      await client.query('ROLLBACK');
      throw e;
    } finally {
      client.release();
    }
  };
  const newDeletion = async (status: string, phase: string, linked = true) => {
    const deletionId = linked
      ? (
          await one<{ id: string }>(
            `INSERT INTO deletions (user_count, destination_ids, phase) VALUES (1, ARRAY[$1]::uuid[], $2) RETURNING id::text`,
            [destinationId, phase],
          )
        ).id
      : null;
    const { id } = await one<{ id: string }>(
      `INSERT INTO deliveries (destination_id, kind, status, deletion_user_id, deletion_id)
       VALUES ($1, 'deletion', $2, $3, $4) RETURNING id::text`,
      [destinationId, status, USER, deletionId],
    );
    await pool.query(
      `INSERT INTO delivery_attempts (delivery_id, attempt_number, trigger, started_at, finished_at, decision,
                                      request_method, request_url, response_body)
       VALUES ($1, 1, 'initial', now(), now(), 'delivered', 'DELETE', $2, $3)`,
      [id, `https://api.fullstory.com/v2/users?uid=${encodeURIComponent(USER)}`, `{"uid":"${USER}"}`],
    );
    return id;
  };
  const stored = (id: string) =>
    one<{ user: string; url: string; body: string }>(
      `SELECT d.deletion_user_id AS user, a.request_url AS url, a.response_body AS body
         FROM deliveries d JOIN delivery_attempts a ON a.delivery_id = d.id WHERE d.id = $1`,
      [id],
    );

  beforeAll(async () => {
    ({ pool, drop } = await migratedDatabase('deletion_user'));
    ({ id: destinationId } = await one<{ id: string }>(
      `INSERT INTO destinations (name, api_key_encrypted) VALUES ('d', 'x') RETURNING id::text`,
    ));
  });

  afterAll(async () => {
    await drop();
  });

  beforeEach(async () => {
    await pool.query(`DELETE FROM delivery_attempts; DELETE FROM deliveries; DELETE FROM deletions`);
  });

  const HASHED = {
    user: hash(USER),
    url: `https://api.fullstory.com/v2/users?uid=${encodeURIComponent(hash(USER))}`,
    body: `{"uid":"${hash(USER)}"}`,
  };
  const PLAIN = {
    user: USER,
    url: `https://api.fullstory.com/v2/users?uid=${encodeURIComponent(USER)}`,
    body: `{"uid":"${USER}"}`,
  };

  it.each<[string, string, string, boolean, typeof HASHED]>([
    ['delivered: hashed', 'delivered', 'done', true, HASHED],
    ['failed permanently: hashed', 'failed', 'rejected', true, HASHED],
    ['skipped (destination archived): hashed', 'skipped', 'events', true, HASHED],
    ['pending: still needed to build the request', 'pending', 'done', true, PLAIN],
    ['retrying: still needed', 'retrying', 'done', true, PLAIN],
    ['ended before its erasure suppressed the user: kept until then', 'delivered', 'link', true, PLAIN],
    ['a deletion from before the deletions table: kept', 'delivered', 'done', false, PLAIN],
  ])('%s', async (_name, status, phase, linked, expected) => {
    const id = await newDeletion(status, phase, linked);
    const n = await inTransaction((db) => forgetEndedDeletionUsers(db, hash));
    expect(n).toBe(expected === HASHED ? 1 : 0);
    expect(await stored(id)).toEqual(expected);
    // Idempotent: nothing left to do on a second pass.
    expect(await inTransaction((db) => forgetEndedDeletionUsers(db, hash))).toBe(0);
  });

  it('takes a batch at a time', async () => {
    for (let i = 0; i < 3; i++) await newDeletion('delivered', 'done');
    expect(await inTransaction((db) => forgetEndedDeletionUsers(db, hash, 2))).toBe(2);
    expect(await inTransaction((db) => forgetEndedDeletionUsers(db, hash, 2))).toBe(1);
  });

  it('leaves every other attempt column append-only, in an erasure too', async () => {
    const id = await newDeletion('delivered', 'done');
    await expect(
      inTransaction(async (db) => {
        await db.query(`SELECT set_config('fsd.erasure', 'on', true)`);
        await db.query(`UPDATE delivery_attempts SET request_method = 'GET' WHERE delivery_id = $1`, [id]);
      }),
    ).rejects.toThrow(/append-only/);
    await expect(
      pool.query(`UPDATE delivery_attempts SET request_url = 'x' WHERE delivery_id = $1`, [id]),
    ).rejects.toThrow(/append-only/);
  });
});
