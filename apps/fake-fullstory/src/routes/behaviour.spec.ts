import { AddressInfo } from 'node:net';
import { request } from 'undici';
import { buildFakeApp } from '../app';
import { Harness, Reply } from '../testing/harness';

/** sha256('test-api-key') in hex: captured requests keep this instead of the key. */
const TEST_API_KEY_SHA256 = '4c806362b613f7496abf284146efd31da90e4b16169fe001841ca17290f427c4';

describe('fake FullStory behaviour', () => {
  let h: Harness;
  beforeEach(() => {
    h = new Harness();
  });
  afterEach(() => h.close());

  describe('Idempotency-Key', () => {
    const idem = { 'idempotency-key': 'k-1' };

    it('replays the stored result with Idempotent-Replayed and does not execute twice', async () => {
      const first = await h.call('POST', '/v2/users', { uid: 'u1' }, idem);
      expect(first.headers['idempotent-replayed']).toBeUndefined();
      const again = await h.call('POST', '/v2/users', { uid: 'u1' }, idem);
      expect(again).toMatchObject({ status: 200, body: first.body });
      expect(again.headers['idempotent-replayed']).toBe('true');
      await h.call('POST', '/v2/events', { name: 'e' }, { 'idempotency-key': 'e-1' });
      await h.call('POST', '/v2/events', { name: 'e' }, { 'idempotency-key': 'e-1' });
      expect((await h.control('GET', '/__fake/events')).body).toHaveLength(1);
    });

    it('stores 4xx results too', async () => {
      const first = await h.call('POST', '/v2/events', { name: '' }, idem);
      expect(first.status).toBe(400);
      const again = await h.call('POST', '/v2/events', { name: '' }, idem);
      expect(again.status).toBe(400);
      expect(again.headers['idempotent-replayed']).toBe('true');
    });

    it('a different body with the same key → 400 invalid_argument', async () => {
      await h.call('POST', '/v2/events', { name: 'a' }, idem);
      const r = await h.call('POST', '/v2/events', { name: 'b' }, idem);
      expect(r.status).toBe(400);
      expect(r.body).toMatchObject({ code: 'invalid_argument' });
    });

    it('the same content in another key order is the same request', async () => {
      await h.call('POST', '/v2/events', { name: 'a', properties: { x: 1 } }, idem);
      const r = await h.call('POST', '/v2/events', { properties: { x: 1 }, name: 'a' }, idem);
      expect(r.headers['idempotent-replayed']).toBe('true');
    });

    it('5xx and 429 results are not stored', async () => {
      await h.control('POST', '/__fake/faults', { match: { path: '/v2/events' }, status: 503, times: 1 });
      expect((await h.call('POST', '/v2/events', { name: 'a' }, idem)).status).toBe(503);
      const retry = await h.call('POST', '/v2/events', { name: 'a' }, idem);
      expect(retry.status).toBe(200);
      expect(retry.headers['idempotent-replayed']).toBeUndefined();
      await h.control('POST', '/__fake/config', { rateLimit: 1 });
      const key2 = { 'idempotency-key': 'k-2' };
      await h.call('GET', '/me');
      expect((await h.call('POST', '/v2/events', { name: 'a' }, key2)).status).toBe(429);
      h.advance(1000);
      expect((await h.call('POST', '/v2/events', { name: 'a' }, key2)).headers['idempotent-replayed']).toBeUndefined();
    });

    it('the same key in flight → 409', async () => {
      await h.control('POST', '/__fake/faults', { match: { path: '/v2/events' }, latencyMs: 50, times: 1 });
      const [a, b] = await Promise.all([
        h.call('POST', '/v2/events', { name: 'a' }, idem),
        h.call('POST', '/v2/events', { name: 'a' }, idem),
      ]);
      expect([a.status, b.status].sort()).toEqual([200, 409]);
      expect((b.status === 409 ? b : a).body).toMatchObject({ code: 'conflict' });
    });

    it('is ignored on endpoints that do not support it', async () => {
      await h.call('GET', '/me', undefined, idem);
      expect((await h.call('GET', '/me', undefined, idem)).headers['idempotent-replayed']).toBeUndefined();
    });
  });

  describe('rate limit', () => {
    it('429 with an integer Retry-After once the bucket is empty; refills over time; per key', async () => {
      await h.control('POST', '/__fake/config', { rateLimit: 2 });
      expect((await h.call('GET', '/me')).status).toBe(200);
      expect((await h.call('GET', '/me')).status).toBe(200);
      const limited = await h.call('GET', '/me');
      expect(limited.status).toBe(429);
      // Half a token short at 2/s: one whole second.
      expect(limited.headers['retry-after']).toBe('1');
      expect(limited.body).toEqual({
        message: 'Too many requests. Client has exceeded the rate limit for this endpoint.',
        code: 'too_many_requests',
      });
      expect((await h.call('GET', '/me', undefined, {}, 'dev-fullstory-key')).status).toBe(200);
      h.advance(500);
      expect((await h.call('GET', '/me')).status).toBe(200);
    });

    it('configured at start-up and rounded up Retry-After', async () => {
      const slow = new Harness({ rateLimit: 0.25, rateLimitBurst: 1 });
      expect((await slow.call('GET', '/me')).status).toBe(200);
      const r = await slow.call('GET', '/me');
      expect(r.status).toBe(429);
      expect(r.headers['retry-after']).toBe('4');
      await slow.close();
    });
  });

  describe('faults', () => {
    it('status fault with Retry-After, limited by times, captured with its status', async () => {
      const f = await h.control('POST', '/__fake/faults', {
        match: { method: 'POST', path: '/v2/*' },
        status: 429,
        retryAfter: 7,
        times: 2,
      });
      expect(f.body).toMatchObject({ id: expect.any(String), status: 429, times: 2 });
      for (let i = 0; i < 2; i++) {
        const r = await h.call('POST', '/v2/events', { name: 'e' });
        expect(r.status).toBe(429);
        expect(r.headers['retry-after']).toBe('7');
        expect(r.body).toMatchObject({ code: 'too_many_requests' });
      }
      expect((await h.call('POST', '/v2/events', { name: 'e' })).status).toBe(200);
      expect((await h.call('GET', '/me')).status).toBe(200);
      const statuses = ((await h.control('GET', '/__fake/requests')).body as Array<{ status: number }>).map(
        (r) => r.status,
      );
      expect(statuses).toEqual([429, 429, 200, 200]);
    });

    it('applies before auth and answers the v2 envelope', async () => {
      await h.control('POST', '/__fake/faults', { match: { path: '/me' }, status: 500 });
      const r = await h.call('GET', '/me', undefined, {}, 'bad-key');
      expect(r).toMatchObject({ status: 500, body: { message: 'Server error was encountered', code: 'server_error' } });
    });

    it('ratio is deterministic', async () => {
      const run = async (): Promise<number[]> => {
        const fresh = new Harness();
        await fresh.control('POST', '/__fake/faults', { match: { path: '/v2/events' }, status: 503, ratio: 0.3 });
        const out: number[] = [];
        for (let i = 0; i < 10; i++) out.push((await fresh.call('POST', '/v2/events', { name: 'e' })).status);
        await fresh.close();
        return out;
      };
      const first = await run();
      expect(first.filter((s) => s === 503)).toHaveLength(3);
      expect(await run()).toEqual(first);
      expect(first).toEqual([200, 200, 200, 503, 200, 200, 503, 200, 200, 503]);
    });

    /**
     * Calls GET /me with setTimeout on simulated time: the answer is still pending `latencyMs - 1` ms after the
     * fake began to wait, and arrives at `latencyMs`.
     */
    async function delayedCall(latencyMs: number): Promise<Reply> {
      jest.useFakeTimers({
        doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask', 'Date', 'hrtime', 'performance'],
      });
      try {
        let answered = false;
        const reply = h.call('GET', '/me').then((r) => {
          answered = true;
          return r;
        });
        // The request reaches the fault's wait (the only timer here) on real-time ticks.
        for (let i = 0; i < 1000 && jest.getTimerCount() === 0; i++) await new Promise((r) => setImmediate(r));
        expect(jest.getTimerCount()).toBe(1);
        await jest.advanceTimersByTimeAsync(latencyMs - 1);
        expect(answered).toBe(false);
        await jest.advanceTimersByTimeAsync(1);
        return await reply;
      } finally {
        jest.useRealTimers();
      }
    }

    it('latency delays the normal answer', async () => {
      await h.control('POST', '/__fake/faults', { match: { path: '/me' }, latencyMs: 120, times: 1 });
      expect((await delayedCall(120)).status).toBe(200);
    });

    it('latency with a status delays, then answers the fault status', async () => {
      await h.control('POST', '/__fake/faults', { match: { path: '/me' }, latencyMs: 60, status: 503, times: 1 });
      const r = await delayedCall(60);
      expect(r).toMatchObject({ status: 503, body: { code: 'server_error' } });
      const faults = (await h.control('GET', '/__fake/faults')).body as Array<{ seen: number; applied: number }>;
      expect(faults[0]).toMatchObject({ seen: 1, applied: 1 });
    });

    it('match.apiKey applies a fault to one account only', async () => {
      await h.control('POST', '/__fake/keys', { key: 'account-b', role: 'admin' });
      await h.control('POST', '/__fake/faults', { match: { apiKey: 'test-api-key' }, status: 503 });
      expect((await h.call('GET', '/me', undefined, {}, 'account-b')).status).toBe(200);
      expect((await h.call('GET', '/me')).status).toBe(503);
      expect((await h.call('GET', '/me', undefined, {}, null)).status).toBe(401);
      const faults = (await h.control('GET', '/__fake/faults')).body as Array<{ seen: number; applied: number }>;
      expect(faults[0]).toMatchObject({ match: { apiKey: 'test-api-key' }, seen: 1, applied: 1 });
      expect((await h.control('POST', '/__fake/faults', { match: { apiKey: '' }, status: 503 })).status).toBe(400);
    });

    it('bodies over the limit → 413 in the v2 envelope', async () => {
      const tiny = new Harness({ bodyLimit: 1024 });
      const r = await tiny.call('POST', '/v2/events', { name: 'e', properties: { big: 'x'.repeat(2000) } });
      expect(r).toMatchObject({ status: 413, body: { code: 'payload_too_large' } });
      await tiny.close();
    });

    it('by default reads bodies up to 1 MiB and refuses a larger one with 413', async () => {
      const body = (pad: string) => JSON.stringify({ name: 'e', properties: { pad } });
      const sized = (bytes: number) => body('x'.repeat(bytes - body('').length));
      expect(Buffer.byteLength(sized(1024 * 1024))).toBe(1024 * 1024);
      // Read and judged on its content (one property over FullStory's 8 KB), not on its size.
      const whole = await h.call('POST', '/v2/events', sized(1024 * 1024));
      expect(whole).toMatchObject({
        status: 400,
        body: { code: 'invalid_argument', message: 'properties: value of "pad" is larger than 8192 bytes' },
      });
      const over = await h.call('POST', '/v2/events', sized(1024 * 1024 + 1));
      expect(over).toMatchObject({ status: 413, body: { code: 'payload_too_large' } });
    });

    it('validates fault definitions and can be cleared', async () => {
      expect((await h.control('POST', '/__fake/faults', { match: {} })).status).toBe(400);
      expect((await h.control('POST', '/__fake/faults', { status: 99 })).status).toBe(400);
      expect((await h.control('POST', '/__fake/faults', { status: 500, ratio: 2 })).status).toBe(400);
      await h.control('POST', '/__fake/faults', { status: 500 });
      expect((await h.call('GET', '/me')).status).toBe(500);
      await h.control('DELETE', '/__fake/faults');
      expect((await h.call('GET', '/me')).status).toBe(200);
    });

    it('dropConnection destroys the socket and is captured with status 0', async () => {
      const app = buildFakeApp();
      await app.listen({ port: 0, host: '127.0.0.1' });
      const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
      try {
        await request(`${base}/__fake/faults`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ match: { path: '/v2/events' }, dropConnection: true, times: 1 }),
        });
        const headers = { authorization: 'Basic test-api-key' };
        // The socket closed with no answer at all, not an HTTP error.
        await expect(
          request(`${base}/v2/events`, { method: 'POST', headers, body: '{"name":"e"}' }),
        ).rejects.toMatchObject({ code: 'UND_ERR_SOCKET' });
        const ok = await request(`${base}/v2/events`, { method: 'POST', headers, body: '{"name":"e"}' });
        expect(ok.statusCode).toBe(200);
        await ok.body.dump();
        const captured = (await (await request(`${base}/__fake/requests`)).body.json()) as Array<{ status: number }>;
        expect(captured.map((c) => c.status)).toEqual([0, 200]);
      } finally {
        await app.close();
      }
    });
  });

  describe('control API', () => {
    it('captures requests with method, path, query, headers, body, receivedAt and status; not /__fake', async () => {
      await h.call('POST', '/v2/events?x=1', { name: 'e' }, { 'Integration-Source': 'segment' });
      const list = (await h.control('GET', '/__fake/requests')).body as Array<Record<string, unknown>>;
      expect(list).toEqual([
        {
          method: 'POST',
          path: '/v2/events',
          query: { x: '1' },
          headers: expect.objectContaining({
            authorization: `Basic <redacted sha256:${TEST_API_KEY_SHA256}>`,
            'integration-source': 'segment',
          }),
          body: { name: 'e' },
          receivedAt: '2024-01-01T00:00:00.000Z',
          status: 200,
          notes: [],
        },
      ]);
    });

    it('?since filters by receivedAt (inclusive) and rejects bad times', async () => {
      await h.call('GET', '/me');
      h.advance(1000);
      await h.call('GET', '/me');
      const since = (await h.control('GET', '/__fake/requests?since=2024-01-01T00:00:01.000Z')).body as unknown[];
      expect(since).toHaveLength(1);
      expect((await h.control('GET', '/__fake/requests?since=2024-01-01T00:00:00.000Z')).body).toHaveLength(2);
      expect((await h.control('GET', '/__fake/requests?since=garbage')).status).toBe(400);
      expect((await h.control('GET', '/__fake/requests?path=/me&method=get')).body).toHaveLength(2);
    });

    it('unparsable bodies are captured as null', async () => {
      await h.call('POST', '/v2/events', 'not json');
      expect(((await h.control('GET', '/__fake/requests')).body as Array<{ body: unknown }>)[0].body).toBeNull();
    });

    it('reset clears everything and restores the default keys only', async () => {
      await h.control('POST', '/__fake/keys', { key: 'extra', role: 'standard' });
      await h.control('POST', '/__fake/users', { uid: 'u1' });
      await h.control('POST', '/__fake/faults', { match: { path: '/nothing' }, status: 500 });
      await h.control('POST', '/__fake/config', { rateLimit: 100 });
      await h.call('POST', '/v2/events', { name: 'e' }, { 'idempotency-key': 'k' }, 'extra');
      expect((await h.control('POST', '/__fake/reset')).status).toBe(200);
      expect((await h.control('GET', '/__fake/requests')).body).toEqual([]);
      expect((await h.control('GET', '/__fake/users')).body).toEqual([]);
      expect((await h.control('GET', '/__fake/events')).body).toEqual([]);
      expect((await h.control('GET', '/__fake/faults')).body).toEqual([]);
      expect((await h.control('GET', '/__fake/config')).body).toMatchObject({ rateLimit: null });
      expect((await h.call('GET', '/me', undefined, {}, 'extra')).status).toBe(401);
      expect((await h.call('GET', '/me')).status).toBe(200);
      const r = await h.call('POST', '/v2/events', { name: 'e' }, { 'idempotency-key': 'k' });
      expect(r.headers['idempotent-replayed']).toBeUndefined();
    });

    it('validates keys, users and config bodies', async () => {
      expect((await h.control('POST', '/__fake/keys', { key: 'k', role: 'root' })).status).toBe(400);
      expect((await h.control('POST', '/__fake/users', { display_name: 'x' })).status).toBe(400);
      expect((await h.control('POST', '/__fake/config', { rateLimit: -1 })).status).toBe(400);
      expect((await h.control('POST', '/__fake/config', { nope: 1 })).status).toBe(400);
      expect((await h.control('POST', '/__fake/reset', '{bad')).status).toBe(400);
    });

    it('seeded users keep display_name, email and properties', async () => {
      await h.control('POST', '/__fake/users', {
        uid: 'u1',
        display_name: 'Ann',
        email: 'a@x.io',
        properties: { plan: 'pro' },
      });
      expect((await h.control('GET', '/__fake/users')).body).toEqual([
        expect.objectContaining({
          uid: 'u1',
          display_name: 'Ann',
          email: 'a@x.io',
          properties: { plan: 'pro' },
          identified: true,
        }),
      ]);
    });

    it('caps captured requests, dropping the oldest', async () => {
      const small = new Harness({ maxCaptured: 2 });
      for (const p of ['/me?n=1', '/me?n=2', '/me?n=3']) await small.call('GET', p);
      const list = (await small.control('GET', '/__fake/requests')).body as Array<{ query: { n: string } }>;
      expect(list.map((r) => r.query.n)).toEqual(['2', '3']);
      expect((await small.control('GET', '/__fake/stats')).body).toMatchObject({ droppedRequests: 1 });
      await small.close();
    });
  });

  describe('batch import jobs', () => {
    it('users: completes immediately by default with imports and errors', async () => {
      const created = await h.call('POST', '/v2/users/batch', { requests: [{ uid: 'b1' }, { uid: 'x'.repeat(300) }] });
      expect(created.status).toBe(200);
      const { job } = created.body as { job: { id: string; status: string } };
      expect(job).toMatchObject({ status: 'FAILED', created: expect.any(String), finished: expect.any(String) });
      expect((await h.call('GET', `/v2/users/batch/${job.id}`)).body).toMatchObject({ imports: 1, errors: 1 });
      const imports = await h.call('GET', `/v2/users/batch/${job.id}/imports`);
      expect(imports.body).toMatchObject({
        results: [expect.objectContaining({ uid: 'b1', id: expect.any(String) })],
        total_records: '1',
      });
      const errors = await h.call('GET', `/v2/users/batch/${job.id}/errors`);
      expect(errors.body).toMatchObject({
        results: [{ code: 'invalid_argument', message: expect.any(String), user: { uid: expect.any(String) } }],
      });
      expect((await h.call('GET', '/v2/users/batch/nope')).status).toBe(404);
    });

    it('events: processing delay → PROCESSING and 202 until due', async () => {
      await h.control('POST', '/__fake/config', { processingDelayMs: 5000 });
      const created = await h.call('POST', '/v2/events/batch', {
        requests: [
          { name: 'a', user: { uid: 'u1' } },
          { name: 'b', context: { browser: { url: 'x' } } },
        ],
        shared: { context: { browser: { url: 'https://shop.example' } } },
      });
      const { job } = created.body as { job: { id: string; status: string } };
      expect(job.status).toBe('PROCESSING');
      expect((await h.call('GET', `/v2/events/batch/${job.id}/imports`)).status).toBe(202);
      h.advance(5000);
      expect((await h.call('GET', `/v2/events/batch/${job.id}`)).body).toMatchObject({
        job: { status: 'FAILED' },
        imports: 1,
        errors: 1,
      });
      const imports = await h.call('GET', `/v2/events/batch/${job.id}/imports`);
      expect(imports.body).toMatchObject({
        results: [{ name: 'a', user: { uid: 'u1' }, context: { browser: { url: 'https://shop.example' } } }],
      });
      expect((await h.control('GET', '/__fake/events')).body).toEqual([
        expect.objectContaining({ source: 'batch', name: 'a' }),
      ]);
    });

    it('runs 100 jobs at a time (more wait), answers 429 with Retry-After at 200 in progress', async () => {
      await h.control('POST', '/__fake/config', { processingDelayMs: 1000 });
      const ids: string[] = [];
      for (let i = 0; i < 200; i++) {
        const res = await h.call('POST', '/v2/users/batch', { requests: [{ uid: `u${i}` }] });
        expect(res.status).toBe(200);
        ids.push((res.body as { job: { id: string } }).job.id);
      }
      const refused = await h.call('POST', '/v2/users/batch', { requests: [{ uid: 'over' }] });
      expect(refused.status).toBe(429);
      expect(refused.headers['retry-after']).toBe('1');
      h.advance(1000);
      const status = async (id: string) =>
        ((await h.call('GET', `/v2/users/batch/${id}`)).body as { job: { status: string } }).job.status;
      expect(await status(ids[99])).toBe('COMPLETED');
      expect(await status(ids[100])).toBe('PROCESSING');
      expect(await status(ids[199])).toBe('PROCESSING');
      // The first 100 finished: the waiting ones run now, and new jobs are accepted again.
      expect((await h.call('POST', '/v2/users/batch', { requests: [{ uid: 'again' }] })).status).toBe(200);
      h.advance(1000);
      expect(await status(ids[199])).toBe('COMPLETED');
    });

    it('validation of job creation', async () => {
      expect((await h.call('POST', '/v2/users/batch', {})).body).toMatchObject({ code: 'required_field' });
      expect((await h.call('POST', '/v2/users/batch', { requests: [] })).status).toBe(400);
      expect((await h.call('POST', '/v2/events/batch', { requests: 'x' })).status).toBe(400);
      const tooMany = { requests: Array.from({ length: 50001 }, () => ({})) };
      expect((await h.call('POST', '/v2/users/batch', tooMany)).status).toBe(400);
    });
  });
});
