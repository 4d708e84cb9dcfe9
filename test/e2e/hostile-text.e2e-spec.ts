import fc from 'fast-check';
import { storableText } from '@fsd/platform';
import { FakeFullStory } from '../support/delivery';
import { StackEnv, basicAuth, postJson, waitFor, withDb } from '../support/stack';
import { SeededPair } from '../support/seed';
import { useStack } from '../support/use-stack';
import {
  CallType,
  DrawnMessage,
  hostileString,
  drawnBatchLevel,
  drawnInvalid,
  drawnMessage,
  expectedEvent,
} from '../hostile/text-arbitraries';

type Json = Record<string, unknown>;

interface StoredEvent {
  messageId: string;
  type: string;
  event: string | null;
  userId: string | null;
  anonymousId: string | null;
  receivedAt: string;
  raw: Json;
  payload: Json;
}

/**
 * Issue 13 item 10: JSON strings holding NUL, lone surrogates, noncharacters, the BOM or astral characters,
 * in any field of any call type, are stored exactly (payload and raw) with escaped text columns, delivered,
 * and never answered with a 5xx; a batch's invalid item is rejected alone, recorded exactly in rejected_events.
 */
describe('hostile text', () => {
  const stack = useStack('hostile_text');
  let env: StackEnv;
  let seeded: SeededPair;
  let ingest: string;
  let fake: FakeFullStory;
  // The spec's shorthands for the stack's parts (set once useStack's beforeAll has run).
  beforeAll(() => ({ env, ingest, seeded, fake } = stack));
  let sent = 0;
  const acknowledged: { type: CallType; body: Json }[] = [];

  const post = (path: string, body: unknown) =>
    postJson(`${ingest}${path}`, body, { Authorization: basicAuth(seeded.writeKey) });

  /** A messageId unique in this suite that still carries the drawn text (fewer than 100 characters). */
  const messageId = (idPart: string) => `${idPart}#${++sent}`;

  async function stored(id: string): Promise<StoredEvent> {
    const eventId = await withDb(env.DATABASE_URL, async (db) => {
      const r = await db.query<{ id: string }>('SELECT id::text FROM events WHERE source_id = $1 AND message_id = $2', [
        seeded.sourceId,
        storableText(id),
      ]);
      return r.rows.map((row) => row.id);
    });
    expect(eventId).toHaveLength(1);
    const res = await fetch(`${ingest}/admin/events/${eventId[0]}`, {
      headers: { Authorization: `Bearer ${env.ADMIN_TOKEN}` },
    });
    expect(res.status).toBe(200);
    return ((await res.json()) as { event: StoredEvent }).event;
  }

  /** The stored event is the message as segment-ingest.md says; its text columns are the documented escape. */
  async function expectStored(
    type: CallType,
    body: Json,
    batch: { context?: unknown; integrations?: unknown; sentAt?: string } = {},
  ) {
    const event = await stored(body.messageId as string);
    expect(event.payload).toEqual(expectedEvent(type, body, batch, event.receivedAt));
    // json, not jsonb: the key order of what was sent is kept too.
    for (const field of ['properties', 'traits', ...(batch.context === undefined ? ['context'] : [])]) {
      if (body[field] !== undefined) expect(JSON.stringify(event.payload[field])).toBe(JSON.stringify(body[field]));
    }
    const column = (v: unknown) => (v === undefined ? null : storableText(String(v)));
    expect({
      messageId: event.messageId,
      type: event.type,
      event: event.event,
      userId: event.userId,
      anonymousId: event.anonymousId,
    }).toEqual({
      messageId: storableText(body.messageId as string),
      type,
      event: column(type === 'track' ? body.event : body.name),
      userId: column(body.userId),
      anonymousId: column(body.anonymousId),
    });
    acknowledged.push({ type, body });
    return event;
  }

  it('stores a /v1/track with NUL and lone surrogates in every field exactly, and answers 200', async () => {
    const nasty = 'a\u0000b\ud800c\udfffd\ufeff\uffff\u{1f600}';
    const body = {
      userId: nasty,
      anonymousId: `anon${nasty}`,
      event: `Order ${nasty}`,
      messageId: messageId(nasty),
      properties: { [`key${nasty}`]: nasty, nested: { [nasty]: [nasty] } },
      context: { page: { title: nasty }, [nasty]: 1 },
      integrations: { [nasty]: true },
      [`extra${nasty}`]: nasty,
    };
    const res = await post('/v1/track', body);
    expect(res).toMatchObject({ status: 200, body: { success: true } });
    const event = await expectStored('track', body);
    expect(event.messageId).toBe(`a\\u0000b\\ud800c\\udfffd\ufeff\uffff\u{1f600}#${sent}`);
    expect(event.raw).toEqual(body);

    // A repeat of the same (escaped) messageId is a duplicate: acknowledged, not stored again.
    expect((await post('/v1/track', body)).status).toBe(200);
    const count = await withDb(
      env.DATABASE_URL,
      async (db) =>
        (await db.query('SELECT count(*)::int AS n FROM events WHERE message_id = $1', [storableText(body.messageId)]))
          .rows[0].n,
    );
    expect(count).toBe(1);
  });

  it('stores every valid item of a batch holding a hostile one, and records a hostile invalid item alone', async () => {
    const clean = (n: number) => ({
      type: 'track',
      userId: `clean-${n}`,
      event: 'Clean',
      messageId: messageId('clean'),
    });
    const hostile = {
      type: 'identify',
      userId: '\u0000\ud800',
      messageId: messageId('\udc00\u0000'),
      traits: { '\u0000': '\ud800' },
    };
    const invalid = {
      type: 'track',
      userId: 'x',
      messageId: messageId('bad\u0000\ud800'),
      properties: { k: '\u0000' },
    };
    const items = [clean(1), hostile, invalid, clean(2)];
    const res = await post('/v1/batch', { batch: items });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      success: true,
      accepted: 3,
      rejected: [
        {
          index: 2,
          messageId: invalid.messageId,
          code: 'invalid_message',
          message: 'batch[2]: track: "event" is required (a non-empty string)',
        },
      ],
    });
    for (const item of [items[0], hostile, items[3]]) await expectStored(item.type as CallType, item);
    const rejected = await withDb(
      env.DATABASE_URL,
      async (db) =>
        (
          await db.query(
            'SELECT batch_index, message_id, code, message, payload FROM rejected_events WHERE source_id = $1',
            [seeded.sourceId],
          )
        ).rows,
    );
    expect(rejected).toEqual([
      {
        batch_index: 2,
        message_id: storableText(invalid.messageId),
        code: 'invalid_message',
        message: 'batch[2]: track: "event" is required (a non-empty string)',
        payload: invalid,
      },
    ]);
  });

  it('never answers 5xx and stores every acknowledged message exactly (property, the whole Unicode range)', async () => {
    // A single call that must be refused with 400: drawn text in a timestamp, or no `event` on a track.
    const drawnRefused = fc.option(
      fc.tuple(
        drawnInvalid.filter((m) => m.type === 'track'),
        hostileString(),
      ),
      { nil: undefined },
    );
    const refusedSingles: string[] = [];
    let rejectedItems = 0;
    const single = fc.record({ message: drawnMessage, inBodyType: fc.boolean() });
    const batch = fc.record({
      level: drawnBatchLevel,
      items: fc.array(drawnMessage, { minLength: 1, maxLength: 5 }),
      invalid: fc.option(fc.tuple(drawnInvalid, hostileString(), fc.nat()), { nil: undefined }),
    });
    await fc.assert(
      fc.asyncProperty(batch, fc.array(single, { maxLength: 3 }), drawnRefused, async (b, singles, refused) => {
        const withId = (m: DrawnMessage) => ({ ...m.body, messageId: messageId(m.idPart) });
        const items: Json[] = b.items.map((m) => ({ ...withId(m), type: m.type }));
        let rejected: Json[] = [];
        if (b.invalid) {
          const [bad, idPart, at] = b.invalid;
          const index = at % (items.length + 1);
          const item: Json = { ...bad, messageId: messageId(idPart) };
          items.splice(index, 0, item);
          rejected = [{ index, messageId: item.messageId, code: 'invalid_message' }];
        }
        const batchBody = JSON.parse(JSON.stringify({ ...b.level, batch: items })) as Json;
        const singleBodies = singles.map((s) => ({
          type: s.message.type,
          body: { ...withId(s.message), ...(s.inBodyType ? { type: 'alias' } : {}) },
        }));
        // Concurrent, so hostile and clean rows share group commits.
        const refusedBody: Json | undefined = refused && { ...refused[0], messageId: messageId(refused[1]) };
        const [batchRes, refusedRes, ...singleRes] = await Promise.all([
          post('/v1/batch', batchBody),
          refusedBody && post('/v1/track', refusedBody),
          ...singleBodies.map((s) => post(`/v1/${s.type}`, s.body)),
        ]);
        // A run without an invalid single call has nothing to refuse: the refusal is then compared with itself.
        const refusal = { status: 400, body: { success: false, code: 'invalid_message' } };
        expect(refusedRes ?? refusal).toMatchObject(refusal);
        if (refusedRes) refusedSingles.push(storableText(refusedBody?.messageId as string));
        if (b.invalid) rejectedItems++;
        expect(batchRes.status).toBe(200);
        expect(batchRes.body).toMatchObject({ success: true, accepted: b.items.length });
        expect((batchRes.body as { rejected: Json[] }).rejected.map(({ message: _m, ...r }) => r)).toEqual(rejected);
        for (const r of singleRes) expect(r).toMatchObject({ status: 200, body: { success: true } });
        for (const item of items.filter((_, i) => rejected.every((r) => r.index !== i))) {
          await expectStored(item.type as CallType, item, b.level);
        }
        for (const s of singleBodies) await expectStored(s.type, s.body);
      }),
      { numRuns: 100, endOnFailure: true },
    );
    expect(acknowledged.length).toBeGreaterThanOrEqual(104);
    // Refused single calls stored nothing; each refused batch item is in rejected_events (one more from above).
    expect(refusedSingles.length).toBeGreaterThan(0);
    expect(rejectedItems).toBeGreaterThan(0);
    const counts = await withDb(env.DATABASE_URL, async (db) => ({
      refusedStored: (
        await db.query('SELECT count(*)::int AS n FROM events WHERE message_id = ANY($1::text[])', [refusedSingles])
      ).rows[0].n,
      rejected: (await db.query('SELECT count(*)::int AS n FROM rejected_events')).rows[0].n,
    }));
    expect(counts).toEqual({ refusedStored: 0, rejected: rejectedItems + 1 });
  });

  it('keeps messageIds apart that differ only in a lone surrogate (stored and delivered as two events)', async () => {
    // UTF-8 turns both into U+FFFD: a key derived from those bytes would make the second a repeat of the first.
    const twins = ['twin\ud800', 'twin\udbff'].map((id, n) => ({ userId: 'u', event: `Twin ${n}`, messageId: id }));
    for (const body of twins) expect((await post('/v1/track', body)).status).toBe(200);
    for (const body of twins) await expectStored('track', body);
  });

  it('delivers every acknowledged event: each delivery ends delivered or skipped, track names reach FullStory exactly', async () => {
    const statuses = await waitFor(
      'every delivery to finish',
      () =>
        withDb(env.DATABASE_URL, async (db) => {
          const r = await db.query<{ status: string; n: number }>(
            'SELECT status, count(*)::int AS n FROM deliveries GROUP BY status ORDER BY status',
          );
          return r.rows.some((row) => row.status === 'pending' || row.status === 'retrying') ? null : r.rows;
        }),
      60_000,
      250,
    );
    // A delivery that did not end delivered or skipped is named with its event and attempts, so a drawn input
    // that breaks delivery can be reproduced from the failure message alone.
    const unfinished = await withDb(
      env.DATABASE_URL,
      async (db) =>
        (
          await db.query(
            `SELECT d.status, e.message_id, e.type, e.payload::text AS payload,
                  json_agg(json_build_object('decision', a.decision, 'status', a.response_status,
                    'error', a.error_class, 'message', a.error_message, 'response', left(a.response_body, 500),
                    'request', left(a.request_body::text, 2000)) ORDER BY a.id) AS attempts
             FROM deliveries d
             JOIN events e ON e.id = d.event_id
             LEFT JOIN delivery_attempts a ON a.delivery_id = d.id
            WHERE d.status NOT IN ('delivered', 'skipped')
            GROUP BY d.id, d.status, e.message_id, e.type, e.payload::text`,
          )
        ).rows,
    );
    expect(unfinished).toEqual([]);
    expect(statuses.filter((s) => s.status !== 'delivered' && s.status !== 'skipped')).toEqual([]);
    expect(statuses.reduce((n, s) => n + s.n, 0)).toBe(acknowledged.length);
    const names = new Set((await fake.events()).map((e) => e.name));
    const tracks = acknowledged.filter((a) => a.type === 'track').map((a) => a.body.event as string);
    expect(tracks.length).toBeGreaterThan(0);
    expect(tracks.filter((name) => !names.has(name))).toEqual([]);
    // The audit trail holds each request body exactly as FullStory received it.
    const sentBodies = (await fake.requests()).map((r) => JSON.stringify(r.body)).sort();
    const audited = await withDb(env.DATABASE_URL, async (db) =>
      (
        await db.query<{ request_body: unknown }>(
          `SELECT request_body FROM delivery_attempts WHERE decision = 'delivered'`,
        )
      ).rows.map((r) => JSON.stringify(r.request_body)),
    );
    expect(audited.sort()).toEqual(sentBodies);
  });
});
