import { generateWriteKey, hashWriteKey } from '@fsd/platform';
import { dropQueues } from '../support/delivery';
import { seedSourceAndDestination, SeededPair } from '../support/seed';
import { RunningApp, basicAuth, dropDatabase, postJson, stackEnv, startApp, withDb } from '../support/stack';

interface RejectedView {
  id: string;
  receivedAt: string;
  sourceId: string | null;
  sourceName: string | null;
  batchIndex: number | null;
  messageId: string | null;
  code: string;
  message: string;
  item: Record<string, unknown> | unknown;
}
interface Page {
  rejectedEvents: RejectedView[];
  nextCursor: string | null;
}

/** GET /admin/rejected-events: batch items refused as invalid, filtered, cursor-paged, write keys redacted. */
describe('rejected events API (GET /admin/rejected-events)', () => {
  const env = stackEnv('rejected_api');
  const ingest = `http://127.0.0.1:${env.INGEST_PORT}`;
  const admin = { Authorization: `Bearer ${env.ADMIN_TOKEN}` };
  const apps: RunningApp[] = [];
  let main: SeededPair;
  let other: { sourceId: string; writeKey: string };
  let before: string;

  const get = async (query: string): Promise<{ status: number; body: Page & { code?: string }; text: string }> => {
    const res = await fetch(`${ingest}/admin/rejected-events${query}`, { headers: admin });
    const text = await res.text();
    return { status: res.status, body: JSON.parse(text) as Page & { code?: string }, text };
  };

  beforeAll(async () => {
    apps.push(await startApp('ingest-api', env));
    main = await seedSourceAndDestination(env.DATABASE_URL, env.SECRETS_KEY);
    const writeKey = generateWriteKey();
    const sourceId = await withDb(env.DATABASE_URL, async (db) => {
      const { rows } = await db.query<{ id: string }>(
        `INSERT INTO sources (name, write_key_hash, write_key_hint) VALUES ('second source', $1, $2) RETURNING id`,
        [hashWriteKey(writeKey), writeKey.slice(0, 8)],
      );
      return rows[0].id;
    });
    other = { sourceId, writeKey };
    before = new Date(Date.now() - 1000).toISOString();
    // Main source: one valid item and three invalid ones, the write key in the body and in an item.
    const first = await postJson(`${ingest}/v1/batch`, {
      writeKey: main.writeKey,
      batch: [
        { type: 'track', userId: 'u1', event: 'Fine', messageId: 'rej-ok-1' },
        { type: 'track', userId: 'u1', messageId: 'rej-1', writeKey: main.writeKey },
        { type: 'bogus', userId: 'u1', messageId: 'rej-2' },
        42,
      ],
    });
    expect(first.status).toBe(200);
    expect((first.body as { rejected: unknown[] }).rejected).toHaveLength(3);
    // Second source: two invalid items, later.
    const second = await postJson(
      `${ingest}/v1/batch`,
      {
        batch: [
          { type: 'identify', messageId: 'rej-3' },
          { type: 'track', userId: 'u2', event: 'Fine', messageId: 'rej-ok-2' },
          { type: 'page', userId: 'u2', messageId: 'rej-4', properties: 'not an object' },
        ],
      },
      { Authorization: basicAuth(other.writeKey) },
    );
    expect(second.status).toBe(200);
  });

  afterAll(async () => {
    for (const app of apps.reverse()) await app.stop();
    await dropQueues(env);
    await dropDatabase(env.DATABASE_URL);
  });

  it('refuses without the admin token', async () => {
    expect((await fetch(`${ingest}/admin/rejected-events`)).status).toBe(401);
    const wrong = await fetch(`${ingest}/admin/rejected-events`, {
      headers: { Authorization: 'Bearer nope-nope-nope' },
    });
    expect(wrong.status).toBe(401);
  });

  it('lists every rejected item newest first: when, which source, the reason, the item with its write key redacted', async () => {
    const { status, body, text } = await get('');
    expect(status).toBe(200);
    expect(body.nextCursor).toBeNull();
    expect(body.rejectedEvents.map((r) => r.messageId)).toEqual(['rej-4', 'rej-3', null, 'rej-2', 'rej-1']);
    const [r4, r3, bare, r2, r1] = body.rejectedEvents;
    expect(r4).toMatchObject({
      sourceId: other.sourceId,
      sourceName: 'second source',
      batchIndex: 2,
      code: 'invalid_message',
    });
    expect(r3).toMatchObject({
      sourceId: other.sourceId,
      batchIndex: 0,
      item: { type: 'identify', messageId: 'rej-3' },
    });
    expect(bare).toMatchObject({ sourceId: main.sourceId, sourceName: 'e2e source', batchIndex: 3, item: 42 });
    expect(bare.message).toBe('batch[3]: each batch item must be a JSON object');
    expect(r2.message).toMatch(/^batch\[2\]: "type" must be one of/);
    expect(r1).toMatchObject({ sourceId: main.sourceId, batchIndex: 1, code: 'invalid_message' });
    // The write key never reached the database (issue 15): the item is stored without it.
    expect(r1.item).toEqual({ type: 'track', userId: 'u1', messageId: 'rej-1' });
    for (const r of body.rejectedEvents) {
      expect(Date.parse(r.receivedAt)).toBeGreaterThanOrEqual(Date.parse(before));
    }
    expect(text).not.toContain(main.writeKey);
    expect(text).not.toContain(other.writeKey);
  });

  it('filters by source, reason code, messageId and time range', async () => {
    const bySource = await get(`?sourceId=${other.sourceId}`);
    expect(bySource.body.rejectedEvents.map((r) => r.messageId)).toEqual(['rej-4', 'rej-3']);
    const byCode = await get('?code=payload_too_large');
    expect(byCode.status).toBe(200);
    expect(byCode.body.rejectedEvents).toEqual([]);
    expect((await get('?code=invalid_message')).body.rejectedEvents).toHaveLength(5);
    expect((await get('?messageId=rej-2')).body.rejectedEvents.map((r) => r.batchIndex)).toEqual([2]);
    const later = new Date(Date.now() + 60_000).toISOString();
    expect((await get(`?from=${encodeURIComponent(later)}`)).body.rejectedEvents).toEqual([]);
    expect((await get(`?to=${encodeURIComponent(before)}`)).body.rejectedEvents).toEqual([]);
    const inRange = await get(`?from=${encodeURIComponent(before)}&to=${encodeURIComponent(later)}`);
    expect(inRange.body.rejectedEvents).toHaveLength(5);
  });

  it('pages with a cursor: every item once, in order, then no cursor', async () => {
    const seen: (string | null)[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await get(`?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      expect(res.status).toBe(200);
      expect(res.body.rejectedEvents.length).toBeLessThanOrEqual(2);
      seen.push(...res.body.rejectedEvents.map((r) => r.messageId));
      cursor = res.body.nextCursor;
      pages += 1;
    } while (cursor && pages < 10);
    expect(pages).toBe(3);
    expect(seen).toEqual(['rej-4', 'rej-3', null, 'rej-2', 'rej-1']);
  });

  it('answers 400 for bad parameters', async () => {
    for (const [query, code] of [
      ['?limit=0', 'invalid_request'],
      ['?limit=501', 'invalid_request'],
      ['?sourceId=not-a-uuid', 'invalid_request'],
      ['?from=yesterday', 'invalid_request'],
      ['?unknown=1', 'invalid_request'],
      ['?cursor=not-a-cursor', 'invalid_cursor'],
      [`?from=${encodeURIComponent(new Date().toISOString())}&to=${encodeURIComponent(before)}`, 'invalid_range'],
    ]) {
      const res = await get(query);
      expect({ query, status: res.status, code: res.body.code }).toEqual({ query, status: 400, code });
    }
  });
});
