import { StackEnv, basicAuth, postJson, waitFor, withDb } from '../support/stack';
import { SeededPair } from '../support/seed';
import { useStack } from '../support/use-stack';
import { FakeFullStory } from '../support/delivery';

/**
 * Issue 15 item 2: POST /admin/deletions erases the user's stored data (events linked through
 * identify and alias, their attempts' bodies, rejected events), keeps keyed hashes only, reports its
 * status, resumes after a crash, and suppresses the user on replay and on new events.
 */
jest.setTimeout(120_000);

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

const ADA = 'ada@example.com';
const ADA_ANON = 'anon-ada-7f3';
const ADA_OLD = 'old-ada-9c1';

describe('user erasure', () => {
  const stack = useStack('erasure', { BACKOFF_BASE_MS: '100' });
  let env: StackEnv;
  let ingest: string;
  let seeded: SeededPair;
  let fake: FakeFullStory;
  // The spec's shorthands for the stack's parts (set once useStack's beforeAll has run).
  beforeAll(() => ({ env, ingest, seeded, fake } = stack));
  const t0 = new Date(Date.now() - 60_000).toISOString();

  const admin = async (method: string, path: string, body?: unknown): Promise<{ status: number; body: Json }> => {
    const res = await fetch(`${ingest}${path}`, {
      method,
      headers: { Authorization: `Bearer ${env.ADMIN_TOKEN}`, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Json };
  };
  const send = async (type: string, body: Json) => {
    const res = await postJson(`${ingest}/v1/${type}`, body, { Authorization: basicAuth(seeded.writeKey) });
    expect(res.status).toBe(200);
  };
  const query = <T = Json>(sql: string, values: unknown[] = []) =>
    withDb(env.DATABASE_URL, async (db) => (await db.query(sql, values)).rows as T[]);
  const settled = (n: number) =>
    waitFor(`${n} settled deliveries`, async () => {
      const [r] = await query<{ n: number }>(
        `SELECT count(*)::int AS n FROM deliveries WHERE kind = 'event' AND status NOT IN ('pending', 'retrying')`,
      );
      return r.n >= n;
    });
  const completed = (id: string) =>
    waitFor(`deletion ${id} completed`, async () => {
      const res = await admin('GET', `/admin/deletions/${id}`);
      return res.body.status === 'completed' && res.body;
    });

  it('erases the user and the ids the log links to them, keeps ids, types and times, and reports it', async () => {
    await send('identify', { messageId: 'a1', userId: ADA, anonymousId: ADA_ANON, traits: { email: ADA } });
    await send('track', { messageId: 'a2', userId: ADA, event: 'Bought', properties: { email: ADA } });
    await send('track', { messageId: 'a3', anonymousId: ADA_ANON, event: 'Browsed' });
    await send('alias', { messageId: 'a4', userId: ADA, previousId: ADA_OLD });
    await send('track', { messageId: 'a5', userId: ADA_OLD, event: 'Old' });
    await send('track', { messageId: 'b1', userId: 'bob', event: 'Kept', properties: { email: 'bob@example.com' } });
    const batch = await postJson(
      `${ingest}/v1/batch`,
      {
        batch: [
          { type: 'track', userId: ADA, properties: { email: ADA } },
          { type: 'track', messageId: 'x1', userId: 'x', event: 'E' },
        ],
      },
      { Authorization: basicAuth(seeded.writeKey) },
    );
    expect(batch.status).toBe(200);
    await settled(7);
    const before = await query<{ n: number }>(
      `SELECT count(*)::int AS n FROM delivery_attempts a JOIN deliveries d ON d.id = a.delivery_id
         JOIN events e ON e.id = d.event_id WHERE e.message_id LIKE 'a%'`,
    );
    expect(before[0].n).toBeGreaterThan(0);

    const accepted = await admin('POST', '/admin/deletions', { userIds: [ADA] });
    expect(accepted).toMatchObject({ status: 202, body: { status: 'pending', users: 1, destinations: 1 } });
    const done = await completed(accepted.body.id as string);
    expect(done).toMatchObject({
      status: 'completed',
      destinations: [{ destinationId: seeded.destinationId, status: 'completed' }],
      erased: { events: 5, attempts: before[0].n, rejectedEvents: 1 },
    });

    // The FullStory deletion ended: from then on its delivery and attempts keep the keyed hash only, like suppression.
    const everywhere = async () =>
      (
        await query<{ t: string }>(
          `SELECT row_to_json(t)::text AS t FROM deliveries t
           UNION ALL SELECT row_to_json(a)::text FROM delivery_attempts a
           UNION ALL SELECT row_to_json(c)::text FROM delivery_state_changes c
           UNION ALL SELECT row_to_json(e)::text FROM events e
           UNION ALL SELECT row_to_json(r)::text FROM rejected_events r
           UNION ALL SELECT row_to_json(l)::text FROM admin_audit_log l`,
        )
      )
        .map((r) => r.t)
        .join('\n');
    await waitFor('no plain user id left anywhere', async () => {
      const all = await everywhere();
      return !all.includes(ADA) && !all.includes(encodeURIComponent(ADA));
    });
    const deletionRows = await query(
      `SELECT d.status, (s.identity_hash IS NOT NULL) AS suppressed, a.request_url
         FROM deliveries d JOIN delivery_attempts a ON a.delivery_id = d.id
         LEFT JOIN suppressed_identities s ON s.identity_hash = d.deletion_user_id
        WHERE d.kind = 'deletion'`,
    );
    expect(deletionRows).toEqual([
      {
        status: 'delivered',
        suppressed: true,
        request_url: expect.stringMatching(/\/v2\/users\?uid=erased%3A[A-Za-z0-9_-]{43}$/),
      },
    ]);

    const events = await query(
      `SELECT message_id, type, user_id, anonymous_id, payload::text AS payload, raw::text AS raw FROM events ORDER BY message_id`,
    );
    expect(events.map((e) => [e.message_id, e.type])).toEqual([
      ['a1', 'identify'],
      ['a2', 'track'],
      ['a3', 'track'],
      ['a4', 'alias'],
      ['a5', 'track'],
      ['b1', 'track'],
      ['x1', 'track'],
    ]);
    for (const e of events.filter((x) => String(x.message_id).startsWith('a'))) {
      expect(JSON.parse(e.payload)).toEqual({ erased: { at: expect.any(String), deletionId: accepted.body.id } });
      expect(JSON.parse(e.raw)).toEqual(JSON.parse(e.payload));
      for (const id of [e.user_id, e.anonymous_id].filter((v) => v !== null)) expect(id).toMatch(/^erased:/);
    }
    const bob = events.find((e) => e.message_id === 'b1');
    expect(bob).toMatchObject({ user_id: 'bob' });
    expect(JSON.parse(bob?.payload)).toMatchObject({ properties: { email: 'bob@example.com' } });

    // No plain id left where erasure reaches: the log, event attempts, rejects, suppression, the deletion.
    const stored = (
      await query<{ t: string }>(
        `SELECT row_to_json(t)::text AS t FROM events t
         UNION ALL SELECT row_to_json(a)::text FROM delivery_attempts a JOIN deliveries d ON d.id = a.delivery_id
                    WHERE d.kind = 'event'
         UNION ALL SELECT row_to_json(r)::text FROM rejected_events r
         UNION ALL SELECT row_to_json(s)::text FROM suppressed_identities s
         UNION ALL SELECT row_to_json(x)::text FROM deletions x`,
      )
    )
      .map((r) => r.t)
      .join('\n');
    for (const id of [ADA, ADA_ANON, ADA_OLD]) expect(stored).not.toContain(id);
    expect(stored).toContain('bob@example.com');
    expect(await query('SELECT count(*)::int AS n FROM suppressed_identities')).toEqual([{ n: 3 }]);

    const detail = await admin(
      'GET',
      `/admin/events/${(await query(`SELECT id::text FROM events WHERE message_id = 'a2'`))[0].id}`,
    );
    expect(detail.status).toBe(200);
    expect(JSON.stringify(detail.body)).not.toContain(ADA);

    const list = await admin('GET', '/admin/deletions');
    expect(list.body.deletions.map((d: Json) => d.id)).toEqual([accepted.body.id]);

    const to = new Date(Date.now() + 60_000).toISOString();
    const exported = await fetch(`${ingest}/admin/export?from=${t0}&to=${to}&format=ndjson`, {
      headers: { Authorization: `Bearer ${env.ADMIN_TOKEN}` },
    });
    const lines = (await exported.text())
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Json);
    expect(lines.filter((l) => l.deletion)).toEqual([
      {
        deletion: expect.objectContaining({
          id: accepted.body.id,
          erasureStatus: 'completed',
          erased: { events: 5, attempts: before[0].n, rejectedEvents: 1 },
          deliveries: [{ id: expect.any(String), destinationId: seeded.destinationId, status: 'delivered' }],
        }),
      },
    ]);
    // The deletion request itself is in the admin audit log, with the user counted, never named.
    expect(lines.filter((l) => l.adminAudit).map((l) => (l.adminAudit as Json).action)).toEqual(['deletion.create']);
    expect(lines.filter((l) => !l.deletion && !l.adminAudit)).toHaveLength(7);
    expect(JSON.stringify(lines)).not.toContain(ADA);
  });

  it('validates the request: a user is required, at most 1,000, all strings', async () => {
    const tooMany = Array.from({ length: 1001 }, (_, i) => `u${i}`);
    for (const body of [{}, { userIds: [] }, { userIds: tooMany }, { userIds: [42] }, { userId: '  ' }]) {
      expect((await admin('POST', '/admin/deletions', body)).status).toBe(400);
    }
    expect((await admin('GET', '/admin/deletions/999999')).status).toBe(404);
    const [{ n }] = await query<{ n: number }>('SELECT count(*)::int AS n FROM deletions');
    expect(n).toBe(1);
  });

  it('suppresses the erased user: a replay selects only the others, and new events are skipped', async () => {
    const to = new Date(Date.now() + 60_000).toISOString();
    const dry = await admin('POST', '/admin/replays', {
      destinationId: seeded.destinationId,
      filter: { from: t0, to },
      dryRun: true,
    });
    expect(dry.status).toBe(200);
    // bob's event and the batch's valid one: never the five erased ones.
    expect(dry.body.matched).toBe(2);

    // Redrive never selects a failed delivery of an erased event (marked failed here to have one).
    await query(
      `UPDATE deliveries d SET status = 'failed' FROM events e
        WHERE e.id = d.event_id AND e.received_at = d.event_received_at AND e.message_id IN ('a2', 'b1')`,
    );
    const redrive = await admin('POST', '/admin/deliveries/redrive', {
      destinationId: seeded.destinationId,
      dryRun: true,
    });
    expect(redrive.body).toEqual({ dryRun: true, matched: 1 });
    await query(
      `UPDATE deliveries d SET status = 'delivered' FROM events e
        WHERE e.id = d.event_id AND e.received_at = d.event_received_at AND e.message_id IN ('a2', 'b1')`,
    );

    await fake.reset();
    await send('track', { messageId: 'a6', userId: ADA, event: 'Came Back' });
    await send('track', { messageId: 'b2', userId: 'bob', event: 'Sentinel' });
    const rows = await waitFor('both deliveries settled', async () => {
      const r = await query(
        `SELECT e.message_id, d.status, d.last_error FROM deliveries d JOIN events e ON e.id = d.event_id
          WHERE e.message_id IN ('a6', 'b2') AND d.status NOT IN ('pending', 'retrying') ORDER BY e.message_id`,
      );
      return r.length === 2 && r;
    });
    expect(rows).toEqual([
      { message_id: 'a6', status: 'skipped', last_error: 'suppressed: the user was deleted' },
      { message_id: 'b2', status: 'delivered', last_error: null },
    ]);
    expect(JSON.stringify(await fake.requests())).not.toContain(ADA);
  });

  it('resumes an erasure whose runner died (lease lapsed) and is idempotent', async () => {
    await send('track', { messageId: 'c1', userId: 'carol', event: 'E' });
    await send('track', { messageId: 'c2', userId: 'carol', event: 'F' });
    await settled(10);
    const [{ id }] = await query<{ id: string }>(
      `INSERT INTO deletions (user_count, user_ids, destination_ids, lease_owner, lease_until)
       VALUES (1, ARRAY['carol'], ARRAY[]::uuid[], 'a-crashed-instance', now() - interval '1 minute') RETURNING id::text`,
    );
    const done = await completed(id);
    expect(done.erased).toEqual({ events: 2, attempts: expect.any(Number), rejectedEvents: 0 });
    const again = await admin('POST', '/admin/deletions', { userId: 'carol', destinationIds: [seeded.destinationId] });
    const second = await completed(again.body.id as string);
    expect(second.erased).toEqual({ events: 0, attempts: 0, rejectedEvents: 0 });
    expect(await query(`SELECT count(*)::int AS n FROM events WHERE user_id = 'carol'`)).toEqual([{ n: 0 }]);
  });
});
