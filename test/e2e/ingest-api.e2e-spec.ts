import { gzipSync } from 'zlib';
import { RunningApp, basicAuth, dropDatabase, postJson, stackEnv, startApp, withDb } from '../support/stack';
import { seedSourceAndDestination } from '../support/seed';

/** Issue 4: the Segment HTTP Tracking API contract, through the real ingest-api. */
describe('ingest-api tracking contract', () => {
  const env = stackEnv('ingest_contract');
  let ingest: RunningApp;
  let writeKey: string;
  let sourceId: string;
  let base: string;
  let auth: Record<string, string>;

  beforeAll(async () => {
    ingest = await startApp('ingest-api', env);
    ({ writeKey, sourceId } = await seedSourceAndDestination(env.DATABASE_URL, env.SECRETS_KEY));
    base = `http://127.0.0.1:${env.INGEST_PORT}`;
    auth = { Authorization: basicAuth(writeKey) };
  });

  afterAll(async () => {
    await ingest.stop();
    await dropDatabase(env.DATABASE_URL);
  });

  const stored = (messageId: string) =>
    withDb(
      env.DATABASE_URL,
      async (db) => (await db.query('SELECT payload, raw FROM events WHERE message_id = $1', [messageId])).rows,
    );

  it.each(['identify', 'track', 'page', 'screen', 'group', 'alias'])('accepts a valid %s call', async (type) => {
    const body = {
      messageId: `valid-${type}`,
      userId: 'u1',
      event: 'E',
      groupId: 'g1',
      previousId: 'old',
      type: 'something-else',
    };
    const res = await postJson(`${base}/v1/${type}`, body, auth);
    expect(res.status).toBe(200);
    const [row] = await stored(`valid-${type}`);
    // The path decides the type.
    expect(row.payload.type).toBe(type);
  });

  it('accepts the write key in the body, and either Basic form', async () => {
    expect((await postJson(`${base}/v1/track`, { userId: 'u', event: 'E', writeKey })).status).toBe(200);
    const noColon = { Authorization: `Basic ${Buffer.from(writeKey).toString('base64')}` };
    expect((await postJson(`${base}/v1/track`, { userId: 'u', event: 'E' }, noColon)).status).toBe(200);
    const differs = await postJson(`${base}/v1/track`, { userId: 'u', event: 'E', writeKey: 'other' }, auth);
    expect(differs.status).toBe(401);
    const bearer = await postJson(`${base}/v1/track`, { userId: 'u', event: 'E' }, { Authorization: 'Bearer x' });
    expect(bearer.status).toBe(401);
  });

  it('names the field in validation errors', async () => {
    const cases: [string, unknown, RegExp][] = [
      ['track', { userId: 'u' }, /event/],
      ['track', { event: 'E' }, /userId.*anonymousId|anonymousId/],
      ['group', { userId: 'u' }, /groupId/],
      ['alias', { userId: 'u' }, /previousId/],
      ['identify', { userId: 'u', traits: 'x' }, /traits/],
      ['track', { userId: 'u', event: 'E', timestamp: 'not a date' }, /timestamp/],
      ['track', { userId: 'u', event: 'E', messageId: 'x'.repeat(100) }, /messageId/],
    ];
    for (const [type, body, field] of cases) {
      const res = await postJson(`${base}/v1/${type}`, body, auth);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ success: false, code: 'invalid_message' });
      expect((res.body as { message: string }).message).toMatch(field);
    }
  });

  it('answers malformed JSON, wrong content type and oversize input with the spec codes', async () => {
    const raw = async (path: string, body: Buffer | string, headers: Record<string, string>) => {
      const r = await fetch(`${base}${path}`, { method: 'POST', headers: { ...auth, ...headers }, body });
      return { status: r.status, body: (await r.json()) as { code: string } };
    };
    expect(await raw('/v1/track', '{"a":', { 'Content-Type': 'application/json' })).toMatchObject({
      status: 400,
      body: { code: 'invalid_json' },
    });
    expect(await raw('/v1/track', 'a=1', { 'Content-Type': 'text/plain' })).toMatchObject({
      status: 415,
      body: { code: 'unsupported_media_type' },
    });
    const big = JSON.stringify({ userId: 'u', event: 'E', properties: { x: 'y'.repeat(33_000) } });
    expect(await raw('/v1/track', big, { 'Content-Type': 'application/json' })).toMatchObject({
      status: 400,
      body: { code: 'payload_too_large' },
    });
    const manySmall = JSON.stringify({
      batch: Array.from({ length: 2501 }, () => ({ type: 'track', userId: 'u', event: 'E' })),
    });
    expect(manySmall.length).toBeLessThan(512_000);
    expect(await raw('/v1/batch', manySmall, { 'Content-Type': 'application/json' })).toMatchObject({
      status: 400,
      body: { code: 'too_many_events' },
    });
  });

  it('accepts gzip bodies, with the limit applied after decompression', async () => {
    const body = gzipSync(JSON.stringify({ userId: 'u', event: 'Gzipped', messageId: 'gz-1' }));
    const ok = await fetch(`${base}/v1/track`, {
      method: 'POST',
      headers: { ...auth, 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' },
      body,
    });
    expect(ok.status).toBe(200);
    expect(await stored('gz-1')).toHaveLength(1);
    const bomb = gzipSync(JSON.stringify({ userId: 'u', event: 'E', properties: { x: 'z'.repeat(40_000) } }));
    const res = await fetch(`${base}/v1/track`, {
      method: 'POST',
      headers: { ...auth, 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' },
      body: bomb,
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: 'payload_too_large' });
  });

  it('accepts a batch item by item, keeps the rejected ones with their reason, and dedupes inside the batch', async () => {
    const res = await postJson(
      `${base}/v1/batch`,
      {
        batch: [
          { type: 'track', userId: 'u', event: 'A', messageId: 'b-1' },
          { type: 'track', userId: 'u', messageId: 'b-2' },
          { type: 'bogus', userId: 'u', messageId: 'b-3' },
          { type: 'track', userId: 'u', event: 'A again', messageId: 'b-1' },
          { type: 'identify', anonymousId: 'a', messageId: 'b-4', traits: { plan: 'pro' } },
        ],
        context: { app: { name: 'batch-app' }, locale: 'fr' },
        integrations: { All: false },
        sentAt: new Date().toISOString(),
      },
      auth,
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      success: true,
      accepted: 2,
      rejected: [
        { index: 1, messageId: 'b-2', code: 'invalid_message' },
        { index: 2, messageId: 'b-3', code: 'invalid_message' },
      ],
    });
    const [first] = await stored('b-1');
    expect(first.payload.event).toBe('A');
    expect(first.payload.context).toMatchObject({ app: { name: 'batch-app' }, locale: 'fr' });
    expect(first.payload.integrations).toEqual({ All: false });
    const rejected = await withDb(
      env.DATABASE_URL,
      async (db) =>
        (
          await db.query(
            `SELECT batch_index, code, message FROM rejected_events WHERE message_id IN ('b-2','b-3') ORDER BY batch_index`,
          )
        ).rows,
    );
    expect(rejected).toHaveLength(2);
    expect(rejected[0].message).toMatch(/event/);

    const none = await postJson(`${base}/v1/batch`, { batch: [{ type: 'track', messageId: 'only-bad' }] }, auth);
    expect(none.status).toBe(400);
    expect(none.body).toMatchObject({ success: false, errors: [{ index: 0, messageId: 'only-bad' }] });
  });

  it('corrects clock skew and stores every timestamp', async () => {
    const before = Date.now();
    const res = await postJson(
      `${base}/v1/track`,
      {
        userId: 'u',
        event: 'Skewed',
        messageId: 'skew-1',
        timestamp: '2026-01-01T10:00:00.000Z',
        sentAt: '2026-01-01T10:00:05.000Z',
      },
      auth,
    );
    const after = Date.now();
    expect(res.status).toBe(200);
    const [row] = await stored('skew-1');
    const p = row.payload;
    expect(p.originalTimestamp).toBe('2026-01-01T10:00:00.000Z');
    expect(p.sentAt).toBe('2026-01-01T10:00:05.000Z');
    const received = Date.parse(p.receivedAt);
    // receivedAt is the server's clock at receipt (same machine as this test).
    expect(received).toBeGreaterThanOrEqual(before - 5);
    expect(received).toBeLessThanOrEqual(after + 5);
    expect(Date.parse(p.timestamp)).toBe(received - 5000);
  });

  it('generates a messageId when absent and sets context.ip for direct calls', async () => {
    await postJson(`${base}/v1/track`, { userId: 'direct-user', event: 'Direct', context: { direct: true } }, auth);
    const rows = await withDb(
      env.DATABASE_URL,
      async (db) => (await db.query(`SELECT message_id, payload FROM events WHERE user_id = 'direct-user'`)).rows,
    );
    expect(rows).toHaveLength(1);
    expect(rows[0].message_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(rows[0].payload.context.ip).toMatch(/127\.0\.0\.1/);
  });

  it('answers 429 with Retry-After over a source rate limit', async () => {
    // Through the admin API, which drops the write-key cache: the new limit applies to the next request.
    const limit = async (perSecond: number | null) => {
      const res = await fetch(`${base}/admin/sources/${sourceId}`, {
        method: 'PATCH',
        headers: { Authorization: `Bearer ${env.ADMIN_TOKEN}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ rateLimitRequestsPerSecond: perSecond }),
      });
      expect(res.status).toBe(200);
    };
    await limit(1);
    try {
      // A burst of one request: the next token comes a second later, far more than three local calls take.
      const replies = [];
      for (let i = 0; i < 3; i++)
        replies.push(await postJson(`${base}/v1/track`, { userId: 'u', event: 'Limited' }, auth));
      expect(replies.map((r) => r.status)).toEqual([200, 429, 429]);
      expect(replies.map((r) => r.headers.get('retry-after'))).toEqual([null, '1', '1']);
      expect(replies[1].body).toMatchObject({ success: false, code: 'rate_limited' });
    } finally {
      await limit(null);
    }
    expect((await postJson(`${base}/v1/track`, { userId: 'u', event: 'Unlimited' }, auth)).status).toBe(200);
  });
});
