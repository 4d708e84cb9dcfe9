import { randomBytes } from 'crypto';
import { CapturedRequest, FakeFullStory, header } from '../../support/delivery';
import { SeededPair, seedSourceAndDestination } from '../../support/seed';
import {
  AppName,
  RunningApp,
  StackEnv,
  dropDatabase,
  freePort,
  stackEnv,
  startApp,
  waitFor,
  withDb,
} from '../../support/stack';

/**
 * The fault suite's stack: the real apps against real Postgres and Redis, with knobs turned down so
 * that retries, stalled jobs and the outbox relay act within seconds. Every app ever started is kept
 * (killed ones too) so that its log can be scanned for secrets at the end.
 */
export class FaultStack {
  readonly env: StackEnv;
  readonly fake: FakeFullStory;
  readonly started: RunningApp[] = [];
  /** A FullStory API key the fake accepts, distinctive enough to be found anywhere it leaks. */
  readonly apiKey = `fs-SECRET-apikey-${randomBytes(8).toString('hex')}`;
  readonly writeKeys: string[] = [];
  /** Texts the APIs answered with (error bodies), scanned for secrets. */
  readonly answers: string[] = [];
  /** Redis servers whose keys under the queue prefix are scanned for secrets. */
  readonly redisUrls: string[];

  constructor(name: string, overrides: Record<string, string> = {}) {
    const env = stackEnv(`fault_${name}`, {
      ADMIN_TOKEN: `adm-SECRET-token-${randomBytes(8).toString('hex')}`,
      LOG_LEVEL: 'info',
      BACKOFF_BASE_MS: '100',
      BACKOFF_MAX_MS: '1000',
      RETRY_AFTER_CAP_SECONDS: '2',
      DELIVERY_MAX_ATTEMPTS: '100',
      OUTBOX_RELAY_INTERVAL_MS: '500',
      OUTBOX_RELAY_GRACE_MS: '1500',
      DESTINATION_REFRESH_MS: '500',
      FULLSTORY_TIMEOUT_MS: '2000',
      JOB_LOCK_MS: '3000',
      SHUTDOWN_GRACE_MS: '2000',
      ...overrides,
    });
    this.env = env;
    this.fake = new FakeFullStory(env.FULLSTORY_BASE_URL);
    this.redisUrls = [env.REDIS_URL];
  }

  get ingestUrl(): string {
    return `http://127.0.0.1:${this.env.INGEST_PORT}`;
  }

  async start(name: AppName, overrides: Record<string, string> = {}): Promise<RunningApp> {
    const env = { ...this.env, ...overrides };
    if (name === 'delivery-worker' && !overrides.WORKER_PORT) env.WORKER_PORT = String(freePort());
    const app = await startApp(name, env);
    this.started.push(app);
    return app;
  }

  /** Starts the fake and registers the destination's API key with it. */
  async startFake(): Promise<RunningApp> {
    const app = await this.start('fake-fullstory');
    await this.registerKey();
    return app;
  }

  async registerKey(): Promise<void> {
    const res = await fetch(`${this.env.FULLSTORY_BASE_URL}/__fake/keys`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ key: this.apiKey, role: 'admin' }),
    });
    if (res.status >= 300) throw new Error(`fake refused the key: ${res.status}`);
  }

  /** A fresh source and destination, with the fake reset (the key registered again). */
  async scenario(): Promise<SeededPair> {
    await this.fake.reset();
    await this.registerKey();
    const seeded = await seedSourceAndDestination(this.env.DATABASE_URL, this.env.SECRETS_KEY, {
      apiKey: this.apiKey,
      presets: { trackEvent: true, identifyUser: false },
    });
    this.writeKeys.push(seeded.writeKey);
    // Running workers notice a new destination within DESTINATION_REFRESH_MS.
    await new Promise((r) => setTimeout(r, Number(this.env.DESTINATION_REFRESH_MS) * 2 + 200));
    return seeded;
  }

  async clearFaults(): Promise<void> {
    await fetch(`${this.env.FULLSTORY_BASE_URL}/__fake/faults`, { method: 'DELETE' });
  }

  get secrets(): string[] {
    return [this.apiKey, this.env.ADMIN_TOKEN, ...this.writeKeys];
  }

  async stopAll(): Promise<void> {
    for (const app of [...this.started].reverse()) await app.stop();
  }

  async drop(): Promise<void> {
    await dropDatabase(this.env.DATABASE_URL);
  }
}

export interface Reconciliation {
  acked: number;
  stored: number;
  requests: number;
  attemptsWithRequest: number;
  replayed: number;
  statuses: Record<string, number>;
}

function countBy<T>(items: T[], key: (t: T) => string): Map<string, number> {
  const out = new Map<string, number>();
  for (const item of items) out.set(key(item), (out.get(key(item)) ?? 0) + 1);
  return out;
}

/**
 * Waits until every stored event of the source is delivered, then checks exactly-once end to end:
 * every acknowledged message was stored; every stored message reached FullStory exactly once (one
 * stored event at the fake, one distinct Idempotency-Key); every request the fake received is one
 * attempt row in the audit trail (less `unaudited`, requests a killed worker had in flight).
 */
export async function reconcile(
  stack: FaultStack,
  seeded: SeededPair,
  acked: Set<string>,
  opts: { timeoutMs?: number; unaudited?: number } = {},
): Promise<Reconciliation> {
  const { env, fake } = stack;
  const stored = await withDb(env.DATABASE_URL, async (db) =>
    (
      await db.query<{ message_id: string }>('SELECT message_id FROM events WHERE source_id = $1', [seeded.sourceId])
    ).rows.map((r) => r.message_id),
  );
  const storedSet = new Set(stored);
  const notStored = [...acked].filter((m) => !storedSet.has(m));
  expect(notStored).toEqual([]);
  expect(stored.length).toBe(storedSet.size);

  await waitFor(
    `all ${stored.length} deliveries delivered`,
    () =>
      withDb(env.DATABASE_URL, async (db) => {
        const { rows } = await db.query<{ status: string; n: number }>(
          'SELECT status, count(*)::int AS n FROM deliveries WHERE destination_id = $1 GROUP BY status',
          [seeded.destinationId],
        );
        const total = rows.reduce((s, r) => s + r.n, 0);
        const delivered = rows.find((r) => r.status === 'delivered')?.n ?? 0;
        if (rows.some((r) => r.status === 'failed' || r.status === 'skipped')) {
          throw new Error(`deliveries ended badly: ${JSON.stringify(rows)}`);
        }
        return total === stored.length && delivered === total;
      }),
    opts.timeoutMs ?? 60000,
    250,
  ).catch(async (e: Error) => {
    const rows = await withDb(
      env.DATABASE_URL,
      async (db) =>
        (
          await db.query(
            'SELECT status, count(*)::int AS n, max(last_error) AS err FROM deliveries WHERE destination_id = $1 GROUP BY status',
            [seeded.destinationId],
          )
        ).rows,
    );
    throw new Error(`${e.message}; deliveries: ${JSON.stringify(rows)}`);
  });

  // Every request the fake received has been handled. One whose client went away (a killed worker, a
  // timeout) keeps status null at the fake although it was processed, so wait until those are old enough.
  const requests = await waitFor(
    'every captured request handled',
    async () => {
      const list: CapturedRequest[] = await fake.requests({ method: 'POST', path: '/v2/events' });
      const settledBefore = Date.now() - 2000;
      return list.every((r) => r.status !== null || Date.parse(r.receivedAt) < settledBefore) ? list : null;
    },
    10000,
  );
  const perKey = countBy(requests, (r) => header(r, 'idempotency-key') ?? 'none');
  expect(perKey.has('none')).toBe(false);
  expect(perKey.size).toBe(stored.length);

  const events = (await fake.events()).filter((e) => typeof e.properties?.mid === 'string');
  const perMid = countBy(events, (e) => e.properties.mid as string);
  const twice = [...perMid].filter(([, c]) => c !== 1);
  expect(twice).toEqual([]);
  expect([...perMid.keys()].sort()).toEqual([...storedSet].sort());

  const audit = await withDb(
    env.DATABASE_URL,
    async (db) =>
      (
        await db.query<{ with_request: number; replayed: number; not_delivered: number }>(
          `SELECT count(*) FILTER (WHERE a.request_method IS NOT NULL)::int AS with_request,
                  count(*) FILTER (WHERE a.response_headers->>'idempotent-replayed' = 'true')::int AS replayed,
                  (SELECT count(*)::int FROM deliveries WHERE destination_id = $1 AND status <> 'delivered') AS not_delivered
             FROM delivery_attempts a JOIN deliveries d ON d.id = a.delivery_id WHERE d.destination_id = $1`,
          [seeded.destinationId],
        )
      ).rows[0],
  );
  expect(audit.not_delivered).toBe(0);
  expect(audit.with_request + (opts.unaudited ?? 0)).toBe(requests.length);
  return {
    acked: acked.size,
    stored: stored.length,
    requests: requests.length,
    attemptsWithRequest: audit.with_request,
    replayed: audit.replayed,
    statuses: Object.fromEntries(countBy(requests, (r) => String(r.status))),
  };
}
