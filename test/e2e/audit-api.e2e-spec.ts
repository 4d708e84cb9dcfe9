import { randomUUID } from 'crypto';
import { deliveryJobId } from '@fsd/platform';
import { StackEnv, basicAuth, postJson, waitFor, withDb } from '../support/stack';
import { SeededPair } from '../support/seed';
import { useStack } from '../support/use-stack';
import { FakeFullStory, attemptsOf, deliveryQueue, waitForDeliveries } from '../support/delivery';

/**
 * Issue 7: the audit query API, the export, replay dry runs and bulk redrive through the real
 * ingest-api, delivery-worker and fake-fullstory, against real Postgres and Redis.
 */
jest.setTimeout(120_000);

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

describe('audit API, export, replay dry run and bulk redrive', () => {
  const stack = useStack('audit_api', { BACKOFF_BASE_MS: '100' });
  let env: StackEnv;
  let ingest: string;
  let fake: FakeFullStory;
  let seeded: SeededPair;
  // The spec's shorthands for the stack's parts (set once useStack's beforeAll has run).
  beforeAll(() => ({ env, ingest, fake, seeded } = stack));
  const t0 = new Date(Date.now() - 60_000).toISOString();

  async function admin(
    method: string,
    path: string,
    body?: unknown,
    token: string | null = env.ADMIN_TOKEN,
  ): Promise<{ status: number; body: Json; text: string; headers: Headers }> {
    const headers: Record<string, string> = {};
    if (token !== null) headers.Authorization = `Bearer ${token}`;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const res = await fetch(`${ingest}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: Json = {};
    try {
      parsed = text ? (JSON.parse(text) as Json) : {};
    } catch {
      parsed = {};
    }
    return { status: res.status, body: parsed, text, headers: res.headers };
  }

  async function track(messageId: string, event = 'Order Completed', userId = 'user-1'): Promise<void> {
    const res = await postJson(
      `${ingest}/v1/track`,
      { messageId, userId, event, properties: { total: 42.5, note: 'a, "quoted"\nline' } },
      { Authorization: basicAuth(seeded.writeKey) },
    );
    expect(res).toMatchObject({ status: 200, body: { success: true } });
  }

  it('answers 401 on every audit, export, replay and redrive route without the admin token', async () => {
    const routes: [string, string, unknown?][] = [
      ['GET', '/admin/events'],
      ['GET', '/admin/events/1'],
      ['GET', `/admin/export?from=${t0}&to=${new Date().toISOString()}`],
      ['POST', '/admin/replays', { destinationId: seeded.destinationId, filter: { from: t0, to: t0 }, dryRun: true }],
      ['GET', '/admin/replays'],
      ['GET', '/admin/replays/1'],
      ['POST', '/admin/replays/1/pause', {}],
      ['POST', '/admin/replays/1/resume', {}],
      ['POST', '/admin/replays/1/cancel', {}],
      ['POST', '/admin/deliveries/redrive', { destinationId: seeded.destinationId, dryRun: true }],
    ];
    for (const [method, path, body] of routes) {
      for (const token of [null, 'wrong-token']) {
        const res = await admin(method, path, body, token);
        expect({ route: `${method} ${path}`, status: res.status }).toEqual({ route: `${method} ${path}`, status: 401 });
        expect(res.body).toMatchObject({ success: false, code: 'unauthorized' });
      }
    }
  });

  it('finds a failed delivery by messageId, with its attempts and state changes', async () => {
    await fake.reset();
    await fake.fault({ match: { method: 'POST', path: '/v2/events' }, status: 400, times: 1 });
    const messageId = `msg-failed-${randomUUID()}`;
    await track(messageId);
    await waitForDeliveries(env, seeded.destinationId, 1, ['failed']);

    const list = await admin('GET', `/admin/events?messageId=${encodeURIComponent(messageId)}`);
    expect(list.status).toBe(200);
    expect(list.body.events).toHaveLength(1);
    const [event] = list.body.events;
    expect(event).toMatchObject({ messageId, type: 'track', event: 'Order Completed', userId: 'user-1' });
    expect(event.deliveries).toEqual([
      expect.objectContaining({ destinationId: seeded.destinationId, status: 'failed', attempts: 1 }),
    ]);
    expect(event.deliveries[0].lastError).toBe('HTTP 400 Bad Request');
    expect(list.body.nextCursor).toBeNull();

    const byStatus = await admin('GET', `/admin/events?status=failed&destinationId=${seeded.destinationId}`);
    expect(byStatus.body.events.map((e: Json) => e.messageId)).toEqual([messageId]);

    const detail = await admin('GET', `/admin/events/${event.id}`);
    expect(detail.status).toBe(200);
    expect(detail.body.event).toMatchObject({ id: event.id, messageId });
    expect(detail.body.event.raw).toMatchObject({ messageId, event: 'Order Completed' });
    expect(detail.body.event.payload).toMatchObject({ messageId, type: 'track' });
    const [delivery] = detail.body.deliveries;
    expect(delivery).toMatchObject({ status: 'failed', deliveryId: event.deliveries[0].deliveryId });
    expect(delivery.attemptLog).toHaveLength(1);
    const [attempt] = delivery.attemptLog;
    expect(attempt).toMatchObject({
      attemptNumber: 1,
      trigger: 'auto',
      decision: 'failed_permanently',
      request: { method: 'POST', url: `${env.FULLSTORY_BASE_URL}/v2/events` },
      response: { status: 400 },
    });
    expect(attempt.request.headers.Authorization).toBe('Basic [redacted]');
    expect(detail.text).not.toContain('test-api-key');
    expect(delivery.stateChanges).toEqual([expect.objectContaining({ from: 'pending', to: 'failed' })]);
    expect(delivery.timeline.map((t: Json) => t.kind)).toEqual(['attempt', 'state_change']);

    const missing = await admin('GET', '/admin/events/999999999');
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ success: false, code: 'not_found' });
  });

  it('pages newest first with an opaque cursor and filters by type, event, user and time', async () => {
    await fake.reset();
    const ids = [];
    for (let i = 0; i < 5; i++) {
      const id = `msg-page-${i}-${randomUUID()}`;
      ids.push(id);
      await track(id, 'Paged', 'pager');
    }
    const pages: string[][] = [];
    let cursor: string | null = null;
    do {
      const q: string = `/admin/events?userId=pager&limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const page = await admin('GET', q);
      expect(page.status).toBe(200);
      pages.push(page.body.events.map((e: Json) => e.messageId));
      cursor = page.body.nextCursor;
    } while (cursor && pages.length < 10);
    const newestFirst = [...ids].reverse();
    expect(pages).toEqual([newestFirst.slice(0, 2), newestFirst.slice(2, 4), newestFirst.slice(4)]);

    const named = await admin(
      'GET',
      `/admin/events?event=Paged&type=track&from=${t0}&to=${new Date(Date.now() + 1000).toISOString()}`,
    );
    expect(named.body.events).toHaveLength(5);
    const none = await admin('GET', `/admin/events?event=Paged&to=${t0}`);
    expect(none.body.events).toHaveLength(0);

    expect((await admin('GET', '/admin/events?cursor=not-a-cursor')).body).toMatchObject({ code: 'invalid_cursor' });
    expect((await admin('GET', '/admin/events?limit=100000')).status).toBe(400);
    expect((await admin('GET', '/admin/events?bogus=1')).status).toBe(400);
  });

  it('exports a time range as NDJSON and as CSV, streamed', async () => {
    const to = new Date(Date.now() + 1000).toISOString();
    expect((await admin('GET', '/admin/export?format=csv')).status).toBe(400);
    expect((await admin('GET', `/admin/export?from=${to}&to=${t0}`)).status).toBe(400);

    // The failed event and the five paged ones: each has one delivery with at most one attempt so far.
    const total = await withDb(
      env.DATABASE_URL,
      async (db) => (await db.query('SELECT count(*)::int AS n FROM events')).rows[0].n as number,
    );
    expect(total).toBe(6);
    const nd = await admin('GET', `/admin/export?from=${t0}&to=${to}&format=ndjson`);
    expect(nd.status).toBe(200);
    expect(nd.headers.get('content-type')).toContain('application/x-ndjson');
    const lines = nd.text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Json);
    expect(lines).toHaveLength(total);
    const failedLines = lines.filter((l) => l.deliveries.some((d: Json) => d.status === 'failed'));
    expect(failedLines).toHaveLength(1);
    const [failed] = failedLines;
    expect(failed.payload).toMatchObject({ type: 'track' });
    expect(failed.deliveries[0].attemptLog[0]).toMatchObject({
      decision: 'failed_permanently',
      response: { status: 400 },
    });
    // Oldest first.
    const times = lines.map((l) => l.receivedAt as string);
    expect([...times].sort()).toEqual(times);

    const csv = await admin('GET', `/admin/export?from=${t0}&to=${to}&format=csv`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const rows = csv.text.trim().split('\n');
    expect(rows[0]).toBe(
      'event_id,received_at,source_id,message_id,type,event,user_id,anonymous_id,destination_id,delivery_id,delivery_status,attempt_number,trigger,action,started_at,latency_ms,response_status,decision,error_class,error_message',
    );
    // The header, then one row per event here (one delivery each, with one attempt or none yet).
    expect(rows).toHaveLength(total + 1);
    expect(rows.filter((r) => r.includes(',failed,1,auto,trackEventV2,'))).toHaveLength(1);

    const empty = await admin('GET', `/admin/export?from=2000-01-01T00:00:00Z&to=2000-01-02T00:00:00Z&format=csv`);
    expect(empty.text.trim().split('\n')).toHaveLength(1);
  });

  it('a replay dry run counts exactly what the real run matches', async () => {
    await waitFor('the paged events delivered', async () => {
      const r = await admin('GET', `/admin/events?event=Paged&status=delivered`);
      return r.body.events.length === 5;
    });
    const to = new Date(Date.now() + 1000).toISOString();
    const body = { destinationId: seeded.destinationId, filter: { from: t0, to, eventNames: ['Paged'] } };
    const dry = await admin('POST', '/admin/replays', { ...body, dryRun: true });
    expect(dry.status).toBe(200);
    expect(dry.body).toMatchObject({ dryRun: true, matched: 5 });
    expect(dry.body.sample).toHaveLength(5);
    expect(dry.body.sample[0]).toMatchObject({ event: 'Paged', userId: 'pager' });

    const failedOnly = await admin('POST', '/admin/replays', {
      destinationId: seeded.destinationId,
      filter: { from: t0, to, status: 'failed' },
      dryRun: true,
    });
    expect(failedOnly.body.matched).toBe(1);

    await fake.reset();
    // Per event: this is the audit of a per-event replay (batch replays: batch-replay.e2e-spec.ts).
    const started = await admin('POST', '/admin/replays', { ...body, ratePerSecond: 100, mode: 'per-event' });
    expect(started.status).toBe(202);
    expect(started.body).toMatchObject({ status: 'running', destinationId: seeded.destinationId });
    const done = await waitFor('the replay to finish', async () => {
      const r = await admin('GET', `/admin/replays/${started.body.id}`);
      return r.body.status === 'completed' && r.body.delivered === 5 ? r.body : null;
    });
    expect(done).toMatchObject({ matched: dry.body.matched, enqueued: 5, delivered: 5, failed: 0, inFlight: 0 });
    // Re-sent although already delivered, audited as a replay.
    expect(await fake.requests({ path: '/v2/events' })).toHaveLength(5);
    const paged = (await admin('GET', '/admin/events?event=Paged&limit=1')).body.events[0];
    const timeline = (await admin('GET', `/admin/events/${paged.id}`)).body.deliveries[0];
    expect(timeline.attemptLog.map((a: Json) => a.trigger)).toEqual(['auto', 'replay']);
    expect(timeline.stateChanges.map((s: Json) => [s.from, s.to])).toEqual([
      ['pending', 'delivered'],
      ['delivered', 'pending'],
      ['pending', 'delivered'],
    ]);
    const list = await admin('GET', '/admin/replays');
    expect(list.body.replays[0]).toMatchObject({ id: started.body.id, status: 'completed' });

    const bad = await admin('POST', '/admin/replays', { ...body, extra: true });
    expect(bad.status).toBe(400);
    const badFilter = await admin('POST', '/admin/replays', {
      destinationId: seeded.destinationId,
      filter: { from: t0 },
    });
    expect(badFilter.status).toBe(400);
    expect((await admin('GET', '/admin/replays/424242')).status).toBe(404);
  });

  it('refuses a replay reaching before retention, naming the earliest time still kept', async () => {
    // EVENT_RETENTION_DAYS defaults to 30: kept from midnight UTC 30 days before today's.
    const today = new Date(new Date().toISOString().slice(0, 10) + 'T00:00:00.000Z').getTime();
    const earliestKept = new Date(today - 30 * 86_400_000).toISOString();
    const to = new Date(Date.now() + 1000).toISOString();
    for (const dryRun of [true, false]) {
      const before = await admin('POST', '/admin/replays', {
        destinationId: seeded.destinationId,
        filter: { from: new Date(today - 31 * 86_400_000).toISOString(), to },
        dryRun,
      });
      expect(before.status).toBe(400);
      expect(before.body).toMatchObject({ code: 'before_retention', earliestKept });
      expect(before.body.message).toContain(earliestKept);
    }
    const atTheEdge = await admin('POST', '/admin/replays', {
      destinationId: seeded.destinationId,
      filter: { from: earliestKept, to },
      dryRun: true,
    });
    expect(atTheEdge.status).toBe(200);
  });

  /** Waits until no ingest-api instance holds the replay's lease: nothing works on it any more. */
  async function runnerLetGo(id: string): Promise<void> {
    await waitFor(`replay ${id} let go by its runner`, () =>
      withDb(env.DATABASE_URL, async (db) => {
        const { rows } = await db.query('SELECT lease_owner FROM replays WHERE id = $1', [id]);
        return rows[0].lease_owner === null;
      }),
    );
  }

  it('pauses, resumes and cancels a running replay', async () => {
    const to = new Date(Date.now() + 1000).toISOString();
    const started = await admin('POST', '/admin/replays', {
      destinationId: seeded.destinationId,
      filter: { from: t0, to, eventNames: ['Paged'] },
      ratePerSecond: 1,
      mode: 'per-event',
    });
    expect(started.status).toBe(202);
    const id = started.body.id;
    const paused = await admin('POST', `/admin/replays/${id}/pause`);
    expect(paused).toMatchObject({ status: 200, body: { status: 'paused' } });
    // The runner hands the lease back once it has stopped (a page under way when the pause came is finished).
    await runnerLetGo(id);
    const held = (await admin('GET', `/admin/replays/${id}`)).body;
    expect(held.status).toBe('paused');
    expect(held.enqueued).toBeLessThan(5);

    expect((await admin('POST', `/admin/replays/${id}/resume`)).body.status).toBe('running');
    await waitFor(
      'the resumed replay to move on',
      async () => (await admin('GET', `/admin/replays/${id}`)).body.enqueued > held.enqueued,
    );
    const cancelled = await admin('POST', `/admin/replays/${id}/cancel`);
    expect(cancelled).toMatchObject({ status: 200, body: { status: 'cancelled' } });
    expect(cancelled.body.finishedAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    const again = await admin('POST', `/admin/replays/${id}/resume`);
    expect(again).toMatchObject({ status: 409, body: { code: 'conflict' } });
    await runnerLetGo(id);
    const final = (await admin('GET', `/admin/replays/${id}`)).body;
    expect(final.status).toBe('cancelled');
    expect(final.enqueued).toBeLessThan(5);
  });

  it('bulk redrive: a dry run counts the failed deliveries, a real run delivers them as redrives', async () => {
    // Nothing sent earlier in this file may still be on its way (the cancelled replay's enqueued deliveries, a retry):
    // a stray request would take one of the fault's two answers, and the second event would be delivered.
    await waitFor('earlier deliveries to settle', () =>
      withDb(
        env.DATABASE_URL,
        async (db) =>
          (await db.query(`SELECT 1 FROM deliveries WHERE status IN ('pending', 'retrying') LIMIT 1`)).rows.length ===
          0,
      ),
    );
    await fake.reset();
    await fake.fault({ match: { method: 'POST', path: '/v2/events' }, status: 400, times: 2 });
    const m1 = `msg-redrive-1-${randomUUID()}`;
    const m2 = `msg-redrive-2-${randomUUID()}`;
    await track(m1, 'Redrive Me');
    await waitFor(
      'the first to fail',
      async () =>
        (await admin('GET', `/admin/events?messageId=${m1}`)).body.events[0]?.deliveries[0]?.status === 'failed',
    );
    await track(m2, 'Redrive Me');
    await waitFor(
      'the second to fail',
      async () =>
        (await admin('GET', `/admin/events?messageId=${m2}`)).body.events[0]?.deliveries[0]?.status === 'failed',
    );
    const id1 = (await admin('GET', `/admin/events?messageId=${m1}`)).body.events[0].deliveries[0].deliveryId;
    const id2 = (await admin('GET', `/admin/events?messageId=${m2}`)).body.events[0].deliveries[0].deliveryId;
    // The second one's failed job is gone from BullMQ: redrive must add a new job for it.
    const queue = deliveryQueue(env, seeded.destinationId);
    try {
      await waitFor('both jobs in the failed set', async () => {
        const failed = (await queue.getFailed()).map((j) => j.id);
        return failed.includes(deliveryJobId(id1)) && failed.includes(deliveryJobId(id2));
      });
      await queue.remove(deliveryJobId(id2));
    } finally {
      await queue.close();
    }

    const filter = { eventNames: ['Redrive Me'], from: t0 };
    const dry = await admin('POST', '/admin/deliveries/redrive', {
      destinationId: seeded.destinationId,
      filter,
      dryRun: true,
    });
    expect(dry.status).toBe(200);
    expect(dry.body).toEqual({ dryRun: true, matched: 2 });
    // The earlier failure (other event name) is counted without the name filter.
    const all = await admin('POST', '/admin/deliveries/redrive', { destinationId: seeded.destinationId, dryRun: true });
    expect(all.body.matched).toBe(3);

    const res = await admin('POST', '/admin/deliveries/redrive', { destinationId: seeded.destinationId, filter });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ redriven: 2 });
    for (const id of [id1, id2]) {
      await waitFor(`delivery ${id} delivered`, async () => {
        const a = await attemptsOf(env, id);
        return a.some((x) => x.decision === 'delivered') ? a : null;
      });
      const attempts = await attemptsOf(env, id);
      expect(attempts.map((a) => [a.trigger, a.decision])).toEqual([
        ['auto', 'failed_permanently'],
        ['redrive', 'delivered'],
      ]);
    }
    const detail = await admin('GET', `/admin/events?messageId=${m2}`);
    expect(detail.body.events[0].deliveries[0]).toMatchObject({ status: 'delivered', attempts: 2 });
    const after = await admin('POST', '/admin/deliveries/redrive', {
      destinationId: seeded.destinationId,
      filter,
      dryRun: true,
    });
    expect(after.body.matched).toBe(0);
  });
});
