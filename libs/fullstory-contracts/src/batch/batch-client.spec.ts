import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { FullStoryClient } from '../client';
import { BatchCallError, BatchJobClient } from './batch-client';
import { batchIdempotencyKey } from './batch-keys';
import { JobSlots } from './job-slots';

type Handler = (
  req: IncomingMessage,
  body: string,
) => { status: number; body?: unknown; headers?: Record<string, string> };

describe('BatchJobClient', () => {
  let server: Server;
  let base: string;
  let seen: { method: string; url: string; key?: string }[];
  let handler: Handler;
  const slept: number[] = [];
  const http = new FullStoryClient({ timeoutMs: 2000 });
  const client = new BatchJobClient(http, { sleep: async (ms) => void slept.push(ms), pollInitialMs: 10 });
  const account = () => ({ account: 'dest-1', baseUrl: base, headers: { Authorization: 'Basic k' } });

  beforeAll(async () => {
    server = createServer((req, res: ServerResponse) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        seen.push({ method: req.method!, url: req.url!, key: req.headers['idempotency-key'] as string | undefined });
        const out = handler(req, body);
        res.writeHead(out.status, { 'Content-Type': 'application/json', ...(out.headers ?? {}) });
        res.end(out.body === undefined ? '' : JSON.stringify(out.body));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  beforeEach(() => {
    seen = [];
    slept.length = 0;
  });
  afterAll(async () => {
    await http.close();
    await new Promise((r) => server.close(r));
  });

  it('creates with the key, waits out a 429, polls until done and pages the errors', async () => {
    let creations = 0;
    let polls = 0;
    handler = (req) => {
      if (req.method === 'POST') {
        creations++;
        if (creations === 1)
          return { status: 429, headers: { 'Retry-After': '3' }, body: { code: 'too_many_requests' } };
        return { status: 200, body: { job: { id: 'j1', status: 'PROCESSING', created: 'x' } } };
      }
      if (req.url === '/v2/users/batch/j1') {
        polls++;
        const status = polls < 3 ? 'PROCESSING' : 'FAILED';
        return { status: 200, body: { job: { id: 'j1', status, created: 'x' }, imports: 2, errors: 2 } };
      }
      if (req.url === '/v2/users/batch/j1/errors') {
        return {
          status: 200,
          body: { results: [{ code: 'a', message: 'm', user: {} }], total_records: '2', next_page_token: 'p2' },
        };
      }
      if (req.url === '/v2/users/batch/j1/errors?page_token=p2') {
        return { status: 200, body: { results: [{ code: 'b', message: 'm', user: {} }], total_records: '2' } };
      }
      return { status: 404, body: { code: 'not_found', message: 'no' } };
    };
    const key = batchIdempotencyKey({ replayId: '7', slice: '0', round: 0, kind: 'users', chunk: 0 });
    const run = await client.run<{ code: string }>(account(), 'users', { requests: [{}, {}, {}, {}] }, key);
    expect(run.job.status).toBe('FAILED');
    expect(run.imports).toBe(2);
    expect(run.errors.map((e) => e.code)).toEqual(['a', 'b']);
    expect(seen.filter((s) => s.method === 'POST').map((s) => s.key)).toEqual([key, key]);
    // Retry-After 3 s first, then the poll back-off doubling from 10 ms.
    expect(slept).toEqual([3000, 10, 20]);
  });

  it('throws a permanent error on a 400, naming FullStory code but never the key', async () => {
    handler = () => ({ status: 400, body: { code: 'invalid_argument', message: 'requests must not be empty' } });
    const err = await client.createJob(account(), 'events', { requests: [] }, 'k').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BatchCallError);
    expect((err as BatchCallError).transient).toBe(false);
    expect((err as BatchCallError).message).toContain('invalid_argument');
    expect((err as BatchCallError).message).not.toContain('Basic k');
  });

  it('gives up on a 503 after its retries, as a transient error', async () => {
    handler = () => ({ status: 503, body: { code: 'unavailable', message: 'down' } });
    const few = new BatchJobClient(http, { sleep: async () => undefined, maxRetries: 2 });
    const err = await few.status(account(), 'users', 'j1').catch((e: unknown) => e);
    expect((err as BatchCallError).transient).toBe(true);
    expect(seen).toHaveLength(3);
  });

  it('idempotency keys differ by replay, slice, round, kind and chunk', () => {
    const base = { replayId: '1', slice: '0', round: 0, kind: 'users' as const, chunk: 0 };
    const keys = new Set([
      batchIdempotencyKey(base),
      batchIdempotencyKey({ ...base, replayId: '2' }),
      batchIdempotencyKey({ ...base, slice: '1' }),
      batchIdempotencyKey({ ...base, round: 1 }),
      batchIdempotencyKey({ ...base, kind: 'events' }),
      batchIdempotencyKey({ ...base, chunk: 1 }),
    ]);
    expect(keys.size).toBe(6);
    expect(batchIdempotencyKey(base)).toBe(batchIdempotencyKey({ ...base }));
  });
});

describe('JobSlots', () => {
  it('lets at most N jobs of one account run, others wait in order; accounts are apart', async () => {
    const slots = new JobSlots(2);
    await slots.acquire('a');
    await slots.acquire('a');
    await slots.acquire('b');
    const order: number[] = [];
    const third = slots.acquire('a').then(() => order.push(3));
    const fourth = slots.acquire('a').then(() => order.push(4));
    await Promise.resolve();
    expect(order).toEqual([]);
    slots.release('a');
    await third;
    expect(order).toEqual([3]);
    expect(slots.held('a')).toBe(2);
    slots.release('a');
    await fourth;
    expect(order).toEqual([3, 4]);
    slots.release('a');
    slots.release('a');
    expect(slots.held('a')).toBe(0);
    expect(slots.held('b')).toBe(1);
  });
});
