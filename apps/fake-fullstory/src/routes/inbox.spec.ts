import { createHash } from 'crypto';
import { Harness } from '../testing/harness';
import { displayedBody, RESPONSE_BODY_LIMIT, UI_CSP } from './inbox';

const sha = (s: string): string => createHash('sha256').update(s, 'utf8').digest('hex');

interface Row {
  seq: number;
  rev: number;
  endpoint: string;
  status: number | null;
  users: string[];
  keyHash: string | null;
}

describe('displayedBody', () => {
  const big = { items: 'x'.repeat(RESPONSE_BODY_LIMIT) };
  it.each<[string, unknown, unknown]>([
    ['an object', { a: 1 }, { body: { a: 1 }, truncated: false }],
    ['an empty object', {}, { body: {}, truncated: false }],
    ['undefined', undefined, { body: undefined, truncated: false }],
    ['too long: cut JSON text', big, { body: JSON.stringify(big).slice(0, RESPONSE_BODY_LIMIT), truncated: true }],
  ])('%s', (_name, body, expected) => {
    expect(displayedBody(body)).toEqual(expected);
  });
});

describe('inbox routes (in process)', () => {
  let h: Harness;
  beforeEach(() => {
    h = new Harness();
  });
  afterEach(() => h.close());

  const inbox = async (query = ''): Promise<{ rev: number; requests: Row[] }> => {
    const r = await h.control('GET', `/__fake/inbox${query}`);
    expect(r.status).toBe(200);
    return r.body as { rev: number; requests: Row[] };
  };

  async function sendThree(): Promise<void> {
    await h.control('POST', '/__fake/keys', { key: 'qa-standard', role: 'standard' });
    expect((await h.call('POST', '/v2/events', { name: 'Viewed', user: { uid: 'u-1' } })).status).toBe(200);
    expect((await h.call('POST', '/v2/users', { uid: 'u-2', email: 42 })).status).toBe(400);
    const other = await h.call('POST', '/v2/users', { uid: 'u-3' }, {}, 'qa-standard');
    expect(other.status).toBe(200);
  }

  it('serves the page with a self-only CSP, and only to a local Host', async () => {
    const page = await h.app.inject({ method: 'GET', url: '/__fake/ui', headers: { host: '127.0.0.1:4010' } });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['content-security-policy']).toBe(UI_CSP);
    expect(page.headers['x-frame-options']).toBe('DENY');
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    expect(page.body).toContain('<script src="/__fake/ui/inbox.js" defer></script>');
    const js = await h.app.inject({ method: 'GET', url: '/__fake/ui/inbox.js', headers: { host: 'localhost' } });
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    for (const url of ['/__fake/ui', '/__fake/ui/inbox.js', '/__fake/stream', '/__fake/inbox']) {
      const foreign = await h.app.inject({ method: 'GET', url, headers: { host: 'attacker.example' } });
      expect({ url, status: foreign.statusCode }).toEqual({ url, status: 403 });
    }
    expect((await h.call('GET', '/__fake/requests', undefined, {}, null)).body).toEqual([]);
  });

  it('lists summaries filtered by endpoint, user, status and key, after a cursor', async () => {
    await sendThree();
    const all = await inbox();
    expect(all.requests.map((r) => [r.seq, r.endpoint, r.status, r.users])).toEqual([
      [1, 'POST /v2/events', 200, ['u-1']],
      [2, 'POST /v2/users', 400, ['u-2']],
      [3, 'POST /v2/users', 200, ['u-3']],
    ]);
    expect(all.rev).toBe(6);
    expect(all.requests.map((r) => r.rev)).toEqual([2, 4, 6]);
    const seqs = async (q: string): Promise<number[]> => (await inbox(q)).requests.map((r) => r.seq);
    expect(await seqs('?endpoint=POST%20/v2/users')).toEqual([2, 3]);
    expect(await seqs('?status=4xx')).toEqual([2]);
    expect(await seqs('?status=200&endpoint=POST%20/v2/users')).toEqual([3]);
    expect(await seqs('?user=u-')).toEqual([1, 2, 3]);
    expect(await seqs('?user=u-3')).toEqual([3]);
    expect(await seqs(`?keyHash=${sha('qa-standard')}`)).toEqual([3]);
    expect(await seqs(`?keyHash=${sha('test-api-key')}`)).toEqual([1, 2]);
    expect(await seqs('?after=4')).toEqual([3]);
    expect(await seqs('?status=pending')).toEqual([]);
    const bad = await h.control('GET', '/__fake/inbox?status=oops&keyHash=raw-key');
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ code: 'invalid_argument', message: expect.stringContaining('keyHash must be') });
  });

  it('shows one request and its response side by side, the key redacted', async () => {
    await sendThree();
    const detail = await h.control('GET', '/__fake/inbox/2');
    expect(detail.status).toBe(200);
    expect(detail.body).toMatchObject({
      seq: 2,
      endpoint: 'POST /v2/users',
      request: {
        method: 'POST',
        path: '/v2/users',
        body: { uid: 'u-2', email: 42 },
        headers: { authorization: `Basic <redacted sha256:${sha('test-api-key')}>` },
      },
      response: {
        status: 400,
        headers: { 'content-type': 'application/json; charset=utf-8' },
        body: { code: 'invalid_argument', message: 'email must be a string' },
        truncated: false,
      },
    });
    expect(JSON.stringify(detail.body)).not.toContain('test-api-key');
    // A fault's answer, its Retry-After included, is what the detail shows.
    await h.control('POST', '/__fake/faults', { match: { path: '/v2/events' }, status: 429, retryAfter: 7 });
    expect((await h.call('POST', '/v2/events', { name: 'x', user: { uid: 'u' } })).status).toBe(429);
    const faulted = await h.control('GET', '/__fake/inbox/4');
    expect(faulted.body).toMatchObject({
      status: 429,
      response: { status: 429, headers: { 'retry-after': '7' }, body: { code: 'too_many_requests' } },
    });
    expect((await h.control('GET', '/__fake/inbox/99')).status).toBe(404);
    expect((await h.control('GET', '/__fake/inbox/x')).status).toBe(404);
  });

  it('lists every API endpoint, aliases included', async () => {
    const r = await h.control('GET', '/__fake/inbox/endpoints');
    expect(r.body).toEqual(
      expect.arrayContaining(['POST /v2/events', 'POST /v2beta/events', 'GET /v2/users/:id', 'GET /me']),
    );
  });

  it('hashes a key for pages without SubtleCrypto, JSON only', async () => {
    const ok = await h.control('POST', '/__fake/ui/key-hash', { key: ' qa-standard ' });
    expect(ok).toMatchObject({ status: 200, body: { keyHash: sha('qa-standard') } });
    const plain = await h.call('POST', '/__fake/ui/key-hash', '{"key":"k"}', { 'content-type': 'text/plain' }, null);
    expect(plain.status).toBe(415);
    expect((await h.control('POST', '/__fake/ui/key-hash', { key: '' })).status).toBe(400);
  });
});
