import { Pool, PoolConfig } from 'pg';
import { generateWriteKey, hashWriteKey } from '@fsd/platform';
import { WRITE_KEY_CACHE_SIZE, WriteKeyService } from '../../apps/ingest-api/src/ingest/tracking/write-key.service';
import { SourceKeysRepository } from '../../apps/ingest-api/src/ingest/tracking/source-keys.repository';
import { AppError } from '../../apps/ingest-api/src/core/errors/app-error';
import {
  RunningApp,
  StackEnv,
  basicAuth,
  dropDatabase,
  eventsOfSource,
  postJson,
  stackEnv,
  startApp,
  withDb,
} from '../support/stack';
import { TcpProxy } from '../support/tcp-proxy';

/**
 * Issue 17 item 3: limits that hold against holders of a (public) write key and unauthenticated callers, on the
 * real ingest-api with real Postgres and Redis.
 */
jest.setTimeout(120_000);

type Json = Record<string, unknown>;

const pgProxy = new TcpProxy('127.0.0.1', 5432);
let env: StackEnv;
let ingest: RunningApp;
let worker: RunningApp;
let base: string;
let workerBase: string;

async function admin(method: string, path: string, body?: unknown): Promise<{ status: number; body: Json }> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { Authorization: `Bearer ${env.ADMIN_TOKEN}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Json };
}

beforeAll(async () => {
  await pgProxy.start();
  env = stackEnv('security_limits', { METRICS_CACHE_MS: '60000' });
  const throughProxy = { ...env, DATABASE_URL: env.DATABASE_URL.replace(':5432/', `:${pgProxy.port}/`) };
  ingest = await startApp('ingest-api', throughProxy);
  worker = await startApp('delivery-worker', throughProxy);
  base = `http://127.0.0.1:${ingest.port}`;
  workerBase = `http://127.0.0.1:${worker.port}`;
});

afterAll(async () => {
  await worker?.stop();
  await ingest?.stop();
  await pgProxy.stop();
  await dropDatabase(env.DATABASE_URL);
});

describe('the per-source event rate limit', () => {
  it('charges every event of a batch: one 2,500-event batch passes, the next waits 250 s', async () => {
    const created = await admin('POST', '/admin/sources', { name: 'limited', rateLimitEventsPerSecond: 10 });
    expect(created.status).toBe(201);
    const auth = { Authorization: basicAuth(created.body.writeKey as string) };
    const batch = (prefix: string) =>
      Array.from({ length: 2500 }, (_, i) => ({ type: 'track', userId: 'u', event: 'E', messageId: `${prefix}-${i}` }));

    expect((await postJson(`${base}/v1/batch`, { batch: batch('a') }, auth)).status).toBe(200);
    const second = await postJson(`${base}/v1/batch`, { batch: batch('b') }, auth);
    expect(second.status).toBe(429);
    expect(Number(second.headers.get('retry-after'))).toBeGreaterThanOrEqual(249);
    const single = await postJson(`${base}/v1/track`, { userId: 'u', event: 'E', messageId: 'c-1' }, auth);
    expect(single.status).toBe(429);
    expect(await eventsOfSource(env.DATABASE_URL, created.body.id as string)).toBe(2500);
  });
});

describe('body limits', () => {
  it('follow the matched route: POST /%761/batch gets the batch limit, not the admin one', async () => {
    const big = { batch: [{ type: 'track', userId: 'u', event: 'E', properties: { pad: 'x'.repeat(600 * 1024) } }] };
    const res = await postJson(`${base}/%761/batch`, big, { Authorization: basicAuth(generateWriteKey()) });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'payload_too_large' });
    expect((res.body as Json).message).toMatch(/the limit for a batch request is 512000 bytes$/);
  });
});

describe('write keys', () => {
  /** A WriteKeyService of its own (its cache starts empty) over a pool of its own, ended after `use`. */
  async function withWriteKeys(
    use: (keys: WriteKeyService, pool: Pool) => Promise<void>,
    poolConfig: PoolConfig = { connectionString: env.DATABASE_URL, max: 8 },
  ): Promise<void> {
    const pool = new Pool(poolConfig);
    try {
      await use(new WriteKeyService(new SourceKeysRepository(pool)), pool);
    } finally {
      await pool.end();
    }
  }

  /** Each key's refusal code (null: accepted), the requests all in flight at once. */
  const refusals = (keys: WriteKeyService, writeKeys: string[]) =>
    Promise.all(
      writeKeys.map((k) =>
        keys.authenticate(k).then(
          () => null,
          (e: AppError) => e.code,
        ),
      ),
    );

  it('a flood of unknown keys does not evict a known one', async () => {
    await withWriteKeys(async (keys) => {
      let clock = 1_000_000;
      keys.now = () => clock;
      const created = await admin('POST', '/admin/sources', { name: 'known' });
      const known = created.body.writeKey as string;
      expect((await keys.authenticate(known)).id).toBe(created.body.id);

      const flood = Array.from({ length: WRITE_KEY_CACHE_SIZE + 500 }, () => generateWriteKey());
      for (let i = 0; i < flood.length; i += 50) {
        const refused = await refusals(keys, flood.slice(i, i + 50));
        expect(refused).toEqual(refused.map(() => 'unauthorized'));
      }

      // The source is gone from the database: only a cache that kept it can still answer.
      await withDb(env.DATABASE_URL, (c) =>
        c.query('DELETE FROM sources WHERE write_key_hash = $1', [hashWriteKey(known)]),
      );
      expect((await keys.authenticate(known)).id).toBe(created.body.id);
      clock += 10_001;
      await expect(keys.authenticate(known)).rejects.toMatchObject({ status: 401, code: 'unauthorized' });
    });
  });

  it('requests that find a key uncached or expired share one lookup of it', async () => {
    await withWriteKeys(async (keys, pool) => {
      let clock = 1_000_000;
      keys.now = () => clock;
      const created = await admin('POST', '/admin/sources', { name: 'shared lookup' });
      const key = created.body.writeKey as string;
      const unknownKey = generateWriteKey();
      const query = jest.spyOn(pool, 'query');
      const first = await Promise.all(Array.from({ length: 50 }, () => keys.authenticate(key)));
      expect(first.map((s) => s.id)).toEqual(first.map(() => created.body.id));
      const refused = await refusals(
        keys,
        Array.from({ length: 50 }, () => unknownKey),
      );
      expect(refused).toEqual(refused.map(() => 'unauthorized'));
      expect(query).toHaveBeenCalledTimes(2);

      // Expired: one lookup again, whatever the number of requests waiting for it.
      clock += 10_001;
      const again = await Promise.all(Array.from({ length: 50 }, () => keys.authenticate(key)));
      expect(again.map((s) => s.id)).toEqual(again.map(() => created.body.id));
      expect(query).toHaveBeenCalledTimes(3);
      query.mockRestore();
    });
  });

  it('a lookup that began before a change of the sources does not fill the cache after it', async () => {
    await withWriteKeys(async (keys, pool) => {
      const created = await admin('POST', '/admin/sources', { name: 'changed meanwhile' });
      const key = created.body.writeKey as string;
      const query = jest.spyOn(pool, 'query');
      // The sources change (invalidate) while the lookup is in flight: its answer may predate the change.
      const before = keys.authenticate(key);
      keys.invalidate();
      expect((await before).id).toBe(created.body.id);
      // So the next request looks again, and that lookup's answer is kept.
      expect((await keys.authenticate(key)).id).toBe(created.body.id);
      expect((await keys.authenticate(key)).id).toBe(created.body.id);
      expect(query).toHaveBeenCalledTimes(2);
      query.mockRestore();
    });
  });

  it('a key of the wrong shape is refused before any query', async () => {
    // Nothing listens on this pool's port: any query would answer 503, not 401.
    await withWriteKeys(
      async (keys) => {
        for (const key of ['nope', 'wk_short', `wk_${'a'.repeat(65)}`, 'wk_with space and more chars']) {
          await expect(keys.authenticate(key)).rejects.toMatchObject({ status: 401, message: 'Unknown write key' });
        }
        await expect(keys.authenticate(generateWriteKey())).rejects.toMatchObject({ status: 503 });
      },
      { connectionString: 'postgres://postgres@127.0.0.1:9/none', connectionTimeoutMillis: 500 },
    );
  });
});

describe('unauthenticated operations endpoints', () => {
  it('/metrics is cached on both apps: a destination created after a scrape is not in the next one', async () => {
    const scrape = async (url: string) => (await fetch(`${url}/metrics`)).text();
    const first = [await scrape(base), await scrape(workerBase)];
    const dest = await admin('POST', '/admin/destinations', { name: 'late', sourceIds: [], apiKey: 'k' });
    expect(dest.status).toBe(201);
    // Uncached, the worker's scrape would list the new destination's queue (fsd_queue_jobs{destination=...}).
    const second = [await scrape(base), await scrape(workerBase)];
    expect(second).toEqual(first);
    for (const text of second) expect(text).not.toContain(dest.body.id as string);
  });

  it.each([
    ['ingest-api', () => base],
    ['delivery-worker', () => workerBase],
  ])('%s /health says "down" without the driver text', async (_app, url) => {
    pgProxy.cut();
    try {
      const res = await fetch(`${url()}/health`);
      expect(res.status).toBe(503);
      const body = (await res.json()) as Json;
      expect(body.details).toEqual({ postgres: { status: 'down' }, redis: { status: 'up' } });
      expect(JSON.stringify(body)).not.toMatch(/ECONN|connect|terminat|timeout|127\.0\.0\.1|postgres:\/\//i);
    } finally {
      pgProxy.restore();
    }
  });
});
