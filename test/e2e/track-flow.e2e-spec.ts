import { RunningApp, basicAuth, dropDatabase, postJson, stackEnv, startApp, waitFor, withDb } from '../support/stack';
import { seedSourceAndDestination, SeededPair } from '../support/seed';
import { TcpProxy } from '../support/tcp-proxy';
import { redactedAuthorization } from '../support/delivery';

interface CapturedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  body: unknown;
  receivedAt: string;
  status: number;
}

/**
 * Issue 2's proof: one track event carried through the real ingest-api, BullMQ, delivery-worker and
 * fake-fullstory, against real Postgres and Redis; then Postgres cut away from ingest.
 */
describe('a track event from ingest to FullStory', () => {
  const pgProxy = new TcpProxy('127.0.0.1', 5432);
  let env: ReturnType<typeof stackEnv>;
  const apps: RunningApp[] = [];
  let seeded: SeededPair;
  let ingest: string;
  let fake: string;

  beforeAll(async () => {
    await pgProxy.start();
    env = stackEnv('track_flow');
    // ingest-api reaches Postgres through a proxy the test can cut.
    const ingestEnv = { ...env, DATABASE_URL: env.DATABASE_URL.replace(':5432/', `:${pgProxy.port}/`) };
    apps.push(await startApp('fake-fullstory', env));
    apps.push(await startApp('ingest-api', ingestEnv));
    seeded = await seedSourceAndDestination(env.DATABASE_URL, env.SECRETS_KEY);
    apps.push(await startApp('delivery-worker', env));
    ingest = `http://127.0.0.1:${env.INGEST_PORT}`;
    fake = `http://127.0.0.1:${env.FAKE_FULLSTORY_PORT}`;
  });

  const fakeRequests = async () => (await (await fetch(`${fake}/__fake/requests`)).json()) as CapturedRequest[];

  afterAll(async () => {
    for (const app of apps.reverse()) await app.stop();
    await pgProxy.stop();
    await dropDatabase(env.DATABASE_URL);
  });

  it('delivers the exact Track Event V2 request and writes the audit trail', async () => {
    const res = await postJson(
      `${ingest}/v1/track`,
      {
        userId: 'user/42',
        event: 'Order Completed',
        messageId: 'msg-track-flow-1',
        timestamp: '2026-01-02T03:04:05.678Z',
        properties: { revenue: 42.5, 'coupon-code': 'SAVE', items: [{ sku: 'a' }] },
        context: { ip: '1.2.3.4' },
      },
      { Authorization: basicAuth(seeded.writeKey) },
    );
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ success: true });

    // Once the delivery is marked delivered nothing else of it can follow: the fake has exactly one request.
    const audit = await waitFor('the delivery to be marked delivered', () =>
      withDb(env.DATABASE_URL, async (db) => {
        const d = await db.query(
          `SELECT d.status, d.attempts, e.message_id, e.payload->>'receivedAt' AS received
             FROM deliveries d JOIN events e ON e.id = d.event_id WHERE d.destination_id = $1`,
          [seeded.destinationId],
        );
        if (d.rows[0]?.status !== 'delivered') return null;
        const attempts = await db.query('SELECT * FROM delivery_attempts ORDER BY id');
        const changes = await db.query('SELECT from_status, to_status FROM delivery_state_changes ORDER BY id');
        return { delivery: d.rows[0], attempts: attempts.rows, changes: changes.rows };
      }),
    );
    const captured = await fakeRequests();
    expect(captured).toHaveLength(1);
    const [request] = captured;
    expect(request.method).toBe('POST');
    expect(request.path).toBe('/v2/events');
    expect(request.query).toEqual({});
    expect(request.headers.authorization).toBe(redactedAuthorization('Basic test-api-key'));
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.headers['integration-source']).toBe('segment');
    expect(request.headers['idempotency-key']).toMatch(/^[0-9a-f]{64}$/);
    expect(request.status).toBe(200);
    // Body and key order exactly as fullstory-destination.md §3.4 (the timestamp has no clock skew: no sentAt).
    expect(JSON.stringify(request.body)).toBe(
      JSON.stringify({
        name: 'Order Completed',
        properties: { revenue: 42.5, couponcode: 'SAVE', items: [{ sku: 'a' }] },
        user: { uid: 'user/42' },
        timestamp: '2026-01-02T03:04:05.678Z',
      }),
    );

    expect(audit.delivery).toMatchObject({ status: 'delivered', attempts: 1, message_id: 'msg-track-flow-1' });
    expect(audit.attempts).toHaveLength(1);
    const attempt = audit.attempts[0];
    expect(attempt).toMatchObject({
      attempt_number: 1,
      trigger: 'auto',
      action: 'trackEventV2',
      subscription_id: 'preset:trackEvent',
      request_method: 'POST',
      request_url: `${env.FULLSTORY_BASE_URL}/v2/events`,
      response_status: 200,
      decision: 'delivered',
      error_class: null,
      response_truncated: false,
    });
    expect(attempt.request_headers.Authorization).toBe('Basic [redacted]');
    expect(JSON.stringify(attempt)).not.toContain('test-api-key');
    expect(attempt.request_body).toEqual(request.body);
    expect(audit.changes).toEqual([{ from_status: 'pending', to_status: 'delivered' }]);
  });

  it('acknowledges a repeated messageId without storing or delivering it again', async () => {
    const auth = { Authorization: basicAuth(seeded.writeKey) };
    const body = { userId: 'user/42', event: 'Order Completed', messageId: 'msg-track-flow-1' };
    const res = await postJson(`${ingest}/v1/track`, body, auth);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ success: true });
    // A sentinel sent after the repeat and delivered: anything the repeat had set off would be there by now.
    const sentinel = { userId: 'user/42', event: 'Sentinel', messageId: 'msg-track-flow-sentinel' };
    expect((await postJson(`${ingest}/v1/track`, sentinel, auth)).status).toBe(200);
    await waitFor('the sentinel delivered', () =>
      withDb(env.DATABASE_URL, async (db) => {
        const { rows } = await db.query(
          `SELECT d.status FROM deliveries d JOIN events e ON e.id = d.event_id WHERE e.message_id = $1`,
          [sentinel.messageId],
        );
        return rows[0]?.status === 'delivered';
      }),
    );
    const stored = await withDb(env.DATABASE_URL, async (db) => ({
      events: (await db.query('SELECT message_id FROM events ORDER BY id')).rows.map((r) => r.message_id),
      deliveries: (
        await db.query(
          `SELECT e.message_id, d.status, d.attempts FROM deliveries d JOIN events e ON e.id = d.event_id ORDER BY d.id`,
        )
      ).rows,
    }));
    expect(stored.events).toEqual(['msg-track-flow-1', 'msg-track-flow-sentinel']);
    expect(stored.deliveries).toEqual([
      { message_id: 'msg-track-flow-1', status: 'delivered', attempts: 1 },
      { message_id: 'msg-track-flow-sentinel', status: 'delivered', attempts: 1 },
    ]);
    const names = (await fakeRequests()).map((r) => (r.body as { name: string }).name);
    expect(names).toEqual(['Order Completed', 'Sentinel']);
  });

  it('rejects a missing or unknown write key with 401', async () => {
    const body = { userId: 'u', event: 'E' };
    expect((await postJson(`${ingest}/v1/track`, body)).status).toBe(401);
    const bad = await postJson(`${ingest}/v1/track`, body, { Authorization: basicAuth('nope') });
    expect(bad.status).toBe(401);
    expect(bad.body).toMatchObject({ success: false, code: 'unauthorized' });
  });

  it('answers 503, never 200, while Postgres is unreachable, and recovers', async () => {
    pgProxy.cut();
    try {
      const res = await postJson(
        `${ingest}/v1/track`,
        { userId: 'user-503', event: 'During outage', messageId: 'msg-outage-1' },
        { Authorization: basicAuth(seeded.writeKey) },
      );
      expect(res.status).toBe(503);
      expect(res.body).toMatchObject({ success: false, code: 'storage_unavailable' });
      expect(res.headers.get('retry-after')).toBe('5');
      const health = await fetch(`${ingest}/health`);
      expect(health.status).toBe(503);
      expect(await health.json()).toMatchObject({
        success: false,
        code: 'service_unavailable',
        details: { postgres: { status: 'down' }, redis: { status: 'up' } },
      });
    } finally {
      pgProxy.restore();
    }
    const stored = await withDb(
      env.DATABASE_URL,
      async (db) =>
        (await db.query(`SELECT count(*)::int AS n FROM events WHERE message_id = 'msg-outage-1'`)).rows[0].n,
    );
    expect(stored).toBe(0);
    const after = await waitFor('ingest to accept again', async () => {
      const r = await postJson(
        `${ingest}/v1/track`,
        { userId: 'user-503', event: 'After outage', messageId: 'msg-outage-2' },
        { Authorization: basicAuth(seeded.writeKey) },
      );
      return r.status === 200 ? r : null;
    });
    expect(after.body).toEqual({ success: true });
  });
});
