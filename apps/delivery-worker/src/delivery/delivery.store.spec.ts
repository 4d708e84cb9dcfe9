import { Client, Pool } from 'pg';
import { prepareDatabase } from '@fsd/platform';
import { attemptRow } from './attempt-recorder';
import { DeliveryStore } from './delivery.store';

const DATABASE_URL = `postgres://postgres@127.0.0.1:5432/fsd_test_store_${process.pid}_${Date.now()}`;

async function dropDatabase(url: string): Promise<void> {
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${new URL(url).pathname.slice(1)}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

/** Against a migrated database of its own, dropped afterwards. */
describe('DeliveryStore', () => {
  const receivedAt = new Date('2026-01-01T10:00:00Z');
  let pool: Pool;
  let store: DeliveryStore;
  let destinationId: string;
  /** A new event delivery, one with a history of three runs, and a deletion. */
  let fresh: string;
  let history: string;
  let deletion: string;

  const insertDelivery = async (sql: string, values: unknown[]): Promise<string> =>
    (await pool.query<{ id: string }>(`${sql} RETURNING id::text`, values)).rows[0].id;

  beforeAll(async () => {
    await prepareDatabase(DATABASE_URL);
    pool = new Pool({ connectionString: DATABASE_URL, max: 4 });
    store = new DeliveryStore(pool);
    destinationId = (
      await pool.query<{ id: string }>(
        `INSERT INTO destinations (name, api_key_encrypted) VALUES ('store', 'x') RETURNING id::text`,
      )
    ).rows[0].id;
    const payload = { type: 'track', messageId: 'm-1', userId: 'u-1', event: 'Order Completed' };
    const eventId = (
      await pool.query<{ id: string }>(
        `INSERT INTO events (received_at, source_id, message_id, type, "timestamp", payload, raw)
         VALUES ($1, gen_random_uuid(), 'm-1', 'track', $1, $2, $2) RETURNING id::text`,
        [receivedAt, JSON.stringify(payload)],
      )
    ).rows[0].id;
    const withEvent = 'INSERT INTO deliveries (event_id, event_received_at, destination_id, status, episode_runs)';
    fresh = await insertDelivery(`${withEvent} VALUES ($1, $2, $3, 'pending', 0)`, [
      eventId,
      receivedAt,
      destinationId,
    ]);
    const other = (
      await pool.query<{ id: string }>(
        `INSERT INTO destinations (name, api_key_encrypted) VALUES ('other', 'x') RETURNING id::text`,
      )
    ).rows[0].id;
    history = await insertDelivery(`${withEvent} VALUES ($1, $2, $3, 'retrying', 1)`, [eventId, receivedAt, other]);
    deletion = await insertDelivery(
      `INSERT INTO deliveries (destination_id, kind, deletion_user_id) VALUES ($1, 'deletion', 'u-9')`,
      [destinationId],
    );
    // Run 1 (auto): A delivered, B failed. Run 2 (redrive, a new episode): C failed, then D failed; run 3 retries.
    const rows: [number, 'auto' | 'redrive' | 'retry', string, string, string | null][] = [
      [1, 'auto', 'A', 'delivered', null],
      [1, 'auto', 'B', 'failed_permanently', 'HTTP 400 Bad Request'],
      [2, 'redrive', 'C', 'failed_permanently', 'HTTP 422 Unprocessable Entity'],
      [2, 'redrive', 'D', 'failed_permanently', 'HTTP 404 Not Found'],
      [2, 'redrive', 'E', 'retry_scheduled', 'HTTP 500 Internal Server Error'],
      [3, 'retry', 'E', 'retry_scheduled', 'HTTP 500 Internal Server Error'],
    ];
    for (const [attemptNumber, trigger, subscriptionId, decision, errorMessage] of rows) {
      const attempt = attemptRow({ attemptNumber, trigger }, new Date(), new Date(), {
        subscriptionId,
        decision: decision as 'delivered',
        errorMessage,
      });
      await store.record(history, [attempt], 'retrying', null);
    }
  });

  afterAll(async () => {
    await pool.end();
    await dropDatabase(DATABASE_URL);
  });

  it('coalesces the loads of one tick into one query, each caller getting its own delivery', async () => {
    const query = jest.spyOn(pool, 'query');
    const [a, b, c, again, missing] = await Promise.all([
      store.load(fresh),
      store.load(history),
      store.load(deletion),
      store.load(fresh),
      store.load('999999999'),
    ]);
    expect(query).toHaveBeenCalledTimes(1);
    expect(a).toMatchObject({
      id: fresh,
      kind: 'event',
      status: 'pending',
      destinationId,
      episodeRuns: 0,
      lastAttemptNumber: 0,
      event: { type: 'track', messageId: 'm-1', userId: 'u-1', event: 'Order Completed' },
      eventReceivedAt: receivedAt,
      deliveredSubscriptions: new Set(),
      failedSubscriptions: new Set(),
      failedReason: null,
    });
    expect(again).toEqual(a);
    expect(missing).toBeNull();
    // The episode's failures are those since the redrive: B failed in the episode before.
    expect(b).toMatchObject({
      status: 'retrying',
      episodeRuns: 7,
      attempts: 6,
      lastAttemptNumber: 3,
      deliveredSubscriptions: new Set(['A']),
      failedSubscriptions: new Set(['C', 'D']),
      failedReason: 'HTTP 422 Unprocessable Entity',
    });
    expect(c).toMatchObject({ kind: 'deletion', deletionUserId: 'u-9', event: null, eventReceivedAt: null });

    // A load in a later tick is a query of its own.
    expect((await store.load(fresh))?.id).toBe(fresh);
    expect(query).toHaveBeenCalledTimes(2);
    query.mockRestore();
  });

  it('rejects every load of a tick whose query fails', async () => {
    const loads = await Promise.allSettled([store.load(fresh), store.load('not-a-number')]);
    expect(loads.map((l) => l.status)).toEqual(['rejected', 'rejected']);
    expect(String((loads[0] as PromiseRejectedResult).reason)).toContain('bigint');
    expect((await store.load(fresh))?.id).toBe(fresh);
  });

  it('records an outcome that the next load sees', async () => {
    const attempt = attemptRow({ attemptNumber: 1, trigger: 'auto' }, new Date(), new Date(), {
      subscriptionId: 'preset:trackEvent',
      decision: 'delivered',
    });
    await store.record(fresh, [attempt], 'delivered', 'delivered');
    expect(await store.load(fresh)).toMatchObject({
      status: 'delivered',
      lastAttemptNumber: 1,
      episodeRuns: 1,
      deliveredSubscriptions: new Set(['preset:trackEvent']),
    });
  });

  it.each([
    ['the deleted user on this destination', 'u-9', true, true],
    ['another user', 'u-1', true, false],
    ['the deleted user on another destination', 'u-9', false, false],
  ])('isDeletedUser: %s', async (_name, userId, sameDestination, expected) => {
    const other = (await pool.query<{ id: string }>(`SELECT id::text FROM destinations WHERE name = 'other'`)).rows[0]
      .id;
    expect(await store.isDeletedUser(sameDestination ? destinationId : other, userId)).toBe(expected);
  });
});
