import { randomUUID } from 'crypto';
import type { Pool } from 'pg';
import { migratedDatabase } from './testing/migrated-database';
import { DeliveryRepository } from './delivery.repository';
import { attemptRow } from './attempt-row';
import type { ClaimResult, DeliveryKey } from './delivery.types';

/** Against a migrated database of its own, dropped afterwards. */
describe('DeliveryRepository', () => {
  const receivedAt = new Date('2026-01-01T10:00:00Z');
  let pool: Pool;
  let drop: () => Promise<void>;
  let store: DeliveryRepository;
  let destinationId: string;
  /** A new event delivery, one with a history of three runs, and a deletion. */
  let fresh: string;
  let history: string;
  let deletion: string;

  const keyOf = async (id: string): Promise<DeliveryKey> => ({
    id,
    loggedAt: (await pool.query<{ t: Date }>('SELECT logged_at AS t FROM deliveries WHERE id = $1', [id])).rows[0].t,
  });
  const insertDelivery = async (sql: string, values: unknown[]): Promise<string> =>
    (await pool.query<{ id: string }>(`${sql} RETURNING id::text`, values)).rows[0].id;

  beforeAll(async () => {
    ({ pool, drop } = await migratedDatabase('store'));
    store = new DeliveryRepository(pool, 30_000);
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
      await store.record(await keyOf(history), [attempt], 'retrying', null);
    }
  });

  afterAll(async () => {
    await drop();
  });

  const loaded = (r: ClaimResult) => {
    if (r.kind !== 'claimed') throw new Error(`expected a claimed delivery, got ${r.kind}`);
    return r.delivery;
  };
  /** Claims, then gives the claim back: a plain load for the tests that are not about claims. */
  const load = async (id: string) => {
    const token = randomUUID();
    const r = await store.claim(id, token);
    if (r.kind === 'claimed') await store.release(r.delivery, token);
    return r;
  };

  it('coalesces the claims of one tick into one query, each caller getting its own delivery', async () => {
    const query = jest.spyOn(pool, 'query');
    const tokens = [randomUUID(), randomUUID(), randomUUID()];
    const [a, b, c, missing] = await Promise.all([
      store.claim(fresh, tokens[0]),
      store.claim(history, tokens[1]),
      store.claim(deletion, tokens[2]),
      store.claim('999999999', randomUUID()),
    ]);
    // One statement claims and loads all; a second loads the audit summary of the one attempted before (history);
    // a third asks only why the missing one was not claimed.
    expect(query).toHaveBeenCalledTimes(3);
    expect(loaded(a)).toMatchObject({
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
    expect(missing).toEqual({ kind: 'missing' });
    // The episode's failures are those since the redrive: B failed in the episode before.
    expect(loaded(b)).toMatchObject({
      status: 'retrying',
      episodeRuns: 7,
      attempts: 6,
      lastAttemptNumber: 3,
      deliveredSubscriptions: new Set(['A']),
      failedSubscriptions: new Set(['C', 'D']),
      failedReason: 'HTTP 422 Unprocessable Entity',
    });
    expect(loaded(c)).toMatchObject({ kind: 'deletion', deletionUserId: 'u-9', event: null, eventReceivedAt: null });
    query.mockRestore();
    await Promise.all([fresh, history, deletion].map(async (id, i) => store.release(await keyOf(id), tokens[i])));
  });

  it('counts as delivered only what was delivered since the last replay began: its retry re-sends the rest', async () => {
    const replayed = await insertDelivery(
      `INSERT INTO deliveries (destination_id, kind, deletion_user_id, status) VALUES ($1, 'deletion', 'u-8', 'retrying')`,
      [destinationId],
    );
    // Run 1 (auto): A and B delivered. Run 2 (a replay): A delivered again, B to be retried.
    const rows: [number, 'auto' | 'replay', string, 'delivered' | 'retry_scheduled'][] = [
      [1, 'auto', 'A', 'delivered'],
      [1, 'auto', 'B', 'delivered'],
      [2, 'replay', 'A', 'delivered'],
      [2, 'replay', 'B', 'retry_scheduled'],
    ];
    for (const [attemptNumber, trigger, subscriptionId, decision] of rows) {
      const attempt = attemptRow({ attemptNumber, trigger }, new Date(), new Date(), { subscriptionId, decision });
      await store.record(await keyOf(replayed), [attempt], 'retrying', null);
    }
    expect(loaded(await load(replayed))).toMatchObject({
      lastAttemptNumber: 2,
      deliveredSubscriptions: new Set(['A']),
      failedSubscriptions: new Set(),
    });
  });

  it('claims by the logged_at a job names in one statement, and by id alone when that time is wrong', async () => {
    const { loggedAt } = await keyOf(fresh);
    const query = jest.spyOn(pool, 'query');
    const right = randomUUID();
    expect(loaded(await store.claim(fresh, right, loggedAt.toISOString())).id).toBe(fresh);
    expect(query).toHaveBeenCalledTimes(1);
    await store.release(await keyOf(fresh), right);
    // A day off (a job changed in Redis): the bounded claim misses, the one over every partition claims.
    query.mockClear();
    const wrong = randomUUID();
    const dayBefore = new Date(loggedAt.getTime() - 86_400_000).toISOString();
    expect(loaded(await store.claim(fresh, wrong, dayBefore)).id).toBe(fresh);
    expect(query).toHaveBeenCalledTimes(2);
    await store.release(await keyOf(fresh), wrong);
    // Not a time at all: every partition at once.
    query.mockClear();
    const garbled = randomUUID();
    expect(loaded(await store.claim(fresh, garbled, 'not-a-time')).id).toBe(fresh);
    expect(query).toHaveBeenCalledTimes(1);
    query.mockRestore();
    await store.release(await keyOf(fresh), garbled);
    // Bounded, the audit summary is the same as over every partition.
    const bounded = randomUUID();
    expect(loaded(await store.claim(history, bounded, (await keyOf(history)).loggedAt.toISOString()))).toMatchObject({
      lastAttemptNumber: 3,
      deliveredSubscriptions: new Set(['A']),
      failedSubscriptions: new Set(['C', 'D']),
      failedReason: 'HTTP 422 Unprocessable Entity',
    });
    await store.release(await keyOf(history), bounded);
  });

  it('gives a delivery to one claim at a time: the others learn until when it is held', async () => {
    const other = new DeliveryRepository(pool, 30_000);
    const [first, second, third] = [randomUUID(), randomUUID(), randomUUID()];
    // Two claims of one delivery in one tick of one worker, and one from another worker at the same time.
    const results = await Promise.all([
      store.claim(fresh, first),
      store.claim(fresh, second),
      other.claim(fresh, third),
    ]);
    const winners = results.filter((r) => r.kind === 'claimed');
    expect(winners).toHaveLength(1);
    const busy = results.filter((r) => r.kind === 'busy') as { claimedUntil: Date }[];
    expect(busy).toHaveLength(2);
    const { rows } = await pool.query<{ token: string; lease: number }>(
      `SELECT claim_token AS token, extract(epoch FROM claimed_until - now())::float8 AS lease
         FROM deliveries WHERE id = $1`,
      [fresh],
    );
    expect(rows[0].lease).toBeGreaterThan(20);
    expect(rows[0].lease).toBeLessThanOrEqual(30);
    for (const b of busy) expect(b.claimedUntil.getTime()).toBeGreaterThan(Date.now() + 20_000);

    // A release by a token that does not hold the claim changes nothing; the holder's release frees it.
    const holder = [first, second, third][results.findIndex((r) => r.kind === 'claimed')];
    await store.release(await keyOf(fresh), randomUUID());
    expect((await other.claim(fresh, randomUUID())).kind).toBe('busy');
    await store.release(await keyOf(fresh), holder);
    expect((await load(fresh)).kind).toBe('claimed');
  });

  it('learns who holds a delivery between the bounds its job names, and over every partition when that time is wrong', async () => {
    const holder = randomUUID();
    const { loggedAt } = await keyOf(fresh);
    loaded(await store.claim(fresh, holder));
    const query = jest.spyOn(pool, 'query');
    const holderLookups = () =>
      query.mock.calls
        .filter(([sql]) => typeof sql === 'string' && sql.includes('SELECT id::text, claimed_until'))
        .map(([, values]) => (values as unknown[]).slice(1).map((v) => (v instanceof Date ? 'bounded' : v)));
    const dayBefore = new Date(loggedAt.getTime() - 86_400_000).toISOString();
    const cases: [string, string, string, ClaimResult['kind'], unknown[][]][] = [
      ['named right', fresh, loggedAt.toISOString(), 'busy', [['bounded', 'bounded']]],
      [
        'named a day off',
        fresh,
        dayBefore,
        'busy',
        [
          ['bounded', 'bounded'],
          ['-infinity', 'infinity'],
        ],
      ],
      [
        'not a delivery',
        '987654321',
        loggedAt.toISOString(),
        'missing',
        [
          ['bounded', 'bounded'],
          ['-infinity', 'infinity'],
        ],
      ],
    ];
    for (const [, id, named, kind, lookups] of cases) {
      query.mockClear();
      expect((await store.claim(id, randomUUID(), named)).kind).toBe(kind);
      expect(holderLookups()).toEqual(lookups);
    }
    query.mockRestore();
    await store.release(await keyOf(fresh), holder);
  });

  it('takes over a claim whose lease has expired', async () => {
    const token = randomUUID();
    loaded(await store.claim(deletion, token));
    await pool.query(`UPDATE deliveries SET claimed_until = now() - interval '1 second' WHERE id = $1`, [deletion]);
    const next = randomUUID();
    expect(loaded(await store.claim(deletion, next)).id).toBe(deletion);
    await store.release(await keyOf(deletion), next);
  });

  it('a claim that waited for an outcome being written loads the audit rows of that outcome', async () => {
    const holder = randomUUID();
    loaded(await store.claim(history, holder));
    // The holder outlived its lease and is writing its outcome (row locked, not committed) when the next claim
    // starts: that claim sees an expired claim, waits for the row, then takes it once the outcome commits.
    await pool.query(`UPDATE deliveries SET claimed_until = now() - interval '1 second' WHERE id = $1`, [history]);
    const writer = await pool.connect();
    try {
      await writer.query('BEGIN');
      await writer.query(
        `INSERT INTO delivery_attempts (delivery_id, attempt_number, trigger, subscription_id, started_at, finished_at, decision)
         VALUES ($1, 4, 'retry', 'E', now(), now(), 'delivered')`,
        [history],
      );
      await writer.query(
        `UPDATE deliveries SET attempts = attempts + 1, updated_at = now(), claimed_until = NULL, claim_token = NULL
          WHERE id = $1`,
        [history],
      );
      const next = randomUUID();
      const claiming = store.claim(history, next);
      await waitForLockWait();
      await writer.query('COMMIT');
      const delivery = loaded(await claiming);
      expect(delivery.lastAttemptNumber).toBe(4);
      expect(delivery.deliveredSubscriptions).toEqual(new Set(['A', 'E']));
      await store.release(await keyOf(history), next);
    } finally {
      writer.release();
    }
  });

  /** Until a statement of this database waits for a row lock. */
  async function waitForLockWait(): Promise<void> {
    const deadline = Date.now() + 3000;
    while (Date.now() < deadline) {
      const { rows } = await pool.query(
        `SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
      );
      if (rows.length > 0) return;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error('no claim waited for the row lock');
  }

  it('rejects every claim of a tick whose query fails', async () => {
    const claims = await Promise.allSettled([store.claim(fresh, randomUUID()), store.claim('not-a-number', 'x')]);
    expect(claims.map((l) => l.status)).toEqual(['rejected', 'rejected']);
    expect(String((claims[0] as PromiseRejectedResult).reason)).toContain('bigint');
    expect(loaded(await load(fresh)).id).toBe(fresh);
  });

  it('records an outcome that the next claim sees, releasing the claim in the same statement', async () => {
    const token = randomUUID();
    loaded(await store.claim(fresh, token));
    const attempt = attemptRow({ attemptNumber: 1, trigger: 'auto' }, new Date(), new Date(), {
      subscriptionId: 'preset:trackEvent',
      decision: 'delivered',
    });
    await store.record(await keyOf(fresh), [attempt], 'delivered', 'delivered', { claimToken: token });
    expect(loaded(await load(fresh))).toMatchObject({
      status: 'delivered',
      lastAttemptNumber: 1,
      episodeRuns: 1,
      deliveredSubscriptions: new Set(['preset:trackEvent']),
    });
  });

  it('records an outcome once when the answer to its committed statement is lost: the retry finds its attempt row', async () => {
    const key = await keyOf(history);
    const startedAt = new Date(Date.now() - 1000);
    const attempt = attemptRow({ attemptNumber: 7, trigger: 'retry' }, startedAt, new Date(), {
      subscriptionId: 'preset:trackEvent',
      decision: 'delivered',
    });
    // The first write commits, then its connection drops before the answer: the repository cannot know it went in.
    const statements: string[] = [];
    let dropped = false;
    const losing = {
      query: async (sql: string, values: unknown[]) => {
        statements.push(sql);
        const result = await pool.query(sql, values);
        if (dropped) return result;
        dropped = true;
        throw new Error('Connection terminated unexpectedly');
      },
    } as unknown as Pool;
    await new DeliveryRepository(losing, 30_000).record(key, [attempt], 'delivered', 'delivered');
    expect(statements).toHaveLength(2);
    expect(statements[1]).toContain('SELECT 1 FROM delivery_attempts');
    const rows = await pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM delivery_attempts WHERE delivery_id = $1 AND attempt_number = 7`,
      [history],
    );
    expect(rows.rows[0].n).toBe(1);
  });
});
