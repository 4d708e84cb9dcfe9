import { randomUUID } from 'crypto';
import {
  RunningApp,
  StackEnv,
  basicAuth,
  dropDatabase,
  freePort,
  postJson,
  stackEnv,
  startApp,
  waitFor,
  withDb,
} from '../support/stack';
import { SeededPair, seedSourceAndDestination } from '../support/seed';
import {
  CapturedRequest,
  FakeFullStory,
  dropQueues,
  header,
  waitForDeliveries,
  waitForQueueWorkers,
} from '../support/delivery';
import { countBy } from '../support/count-by';

/**
 * Issue 5: several worker processes share a destination's queue without sending anything twice, and a
 * worker that dies (SIGKILL) or is stopped (SIGTERM) mid-delivery loses nothing.
 */
describe('delivery workers: concurrency, crash and shutdown', () => {
  let env: StackEnv;
  const apps: RunningApp[] = [];
  const workers: RunningApp[] = [];
  let ingest: string;
  let fake: FakeFullStory;

  beforeAll(async () => {
    env = stackEnv('delivery_workers', {
      // A short lock so a killed worker's jobs are taken over within seconds (must outlast the HTTP timeout).
      FULLSTORY_TIMEOUT_MS: '2500',
      JOB_LOCK_MS: '3000',
      SHUTDOWN_GRACE_MS: '5000',
      BACKOFF_BASE_MS: '100',
      // The crash and shutdown scenarios count on some deliveries still waiting while others are in flight.
      DELIVERY_CONCURRENCY: '20',
    });
    apps.push(await startApp('fake-fullstory', env));
    apps.push(await startApp('ingest-api', env));
    ingest = `http://127.0.0.1:${env.INGEST_PORT}`;
    fake = new FakeFullStory(env.FULLSTORY_BASE_URL);
  });

  afterAll(async () => {
    for (const w of workers) await w.stop('SIGKILL');
    for (const app of apps.reverse()) await app.stop();
    await dropQueues(env);
    await dropDatabase(env.DATABASE_URL);
  });

  beforeEach(async () => {
    await fake.reset();
  });

  afterEach(async () => {
    while (workers.length > 0) await workers.pop()!.stop();
  });

  async function startWorker(overrides: Record<string, string> = {}): Promise<RunningApp> {
    const worker = await startApp('delivery-worker', { ...env, WORKER_PORT: String(freePort()), ...overrides });
    workers.push(worker);
    return worker;
  }

  /**
   * A worker that reaches the fake as `localhost`: its requests carry a Host header of their own, so the
   * test can tell, once everything is over, exactly which requests this worker sent.
   */
  async function markedWorker(overrides: Record<string, string> = {}): Promise<RunningApp> {
    return startWorker({ FULLSTORY_BASE_URL: `http://localhost:${env.FAKE_FULLSTORY_PORT}`, ...overrides });
  }

  const sentByMarked = (r: CapturedRequest) => header(r, 'host') === `localhost:${env.FAKE_FULLSTORY_PORT}`;

  /** A destination every running worker already serves (they look for new ones every DESTINATION_REFRESH_MS). */
  async function destination(): Promise<SeededPair> {
    const seeded = await seedSourceAndDestination(env.DATABASE_URL, env.SECRETS_KEY);
    await waitForQueueWorkers(env, seeded.destinationId, workers.length);
    return seeded;
  }

  async function sendBatch(seeded: SeededPair, n: number): Promise<void> {
    const batch = Array.from({ length: n }, (_, i) => ({
      type: 'track',
      messageId: `msg-${randomUUID()}`,
      userId: `user-${i}`,
      event: 'Order Completed',
      properties: { n: i },
    }));
    const res = await postJson(`${ingest}/v1/batch`, { batch }, { Authorization: basicAuth(seeded.writeKey) });
    expect(res).toMatchObject({ status: 200, body: { success: true } });
  }

  async function eventRequests(): Promise<CapturedRequest[]> {
    return fake.requests({ method: 'POST', path: '/v2/events' });
  }

  async function inFlight(atLeast: number): Promise<CapturedRequest[]> {
    return waitFor(`${atLeast} requests in flight at the fake`, async () => {
      const list = (await eventRequests()).filter((r) => r.status === null);
      return list.length >= atLeast ? list : null;
    });
  }

  async function attemptRows(destinationId: string) {
    return withDb(
      env.DATABASE_URL,
      async (db) =>
        (
          await db.query<{ delivery_id: string; decision: string; replayed: string | null; key: string }>(
            `SELECT a.delivery_id::text, a.decision, a.response_headers->>'idempotent-replayed' AS replayed,
                    a.request_headers->>'Idempotency-Key' AS key
               FROM delivery_attempts a JOIN deliveries d ON d.id = a.delivery_id
              WHERE d.destination_id = $1 ORDER BY a.id`,
            [destinationId],
          )
        ).rows,
    );
  }

  async function deliveredByWorker(worker: RunningApp, destinationId: string): Promise<number> {
    const text = await (await fetch(`http://127.0.0.1:${worker.port}/metrics`)).text();
    return text
      .split('\n')
      .filter(
        (l) =>
          l.startsWith('fsd_deliveries_total{') &&
          l.includes(`destination="${destinationId}"`) &&
          l.includes('outcome="delivered"'),
      )
      .reduce((sum, l) => sum + Number(l.split(' ').at(-1)), 0);
  }

  it('two worker processes deliver each of 200 events exactly once', async () => {
    const a = await startWorker();
    const b = await startWorker();
    const seeded = await destination();
    // A little latency so that both workers have jobs in hand at the same time.
    await fake.fault({ match: { method: 'POST', path: '/v2/events' }, latencyMs: 20 });
    const N = 200;
    await sendBatch(seeded, N);

    const deliveries = await waitForDeliveries(env, seeded.destinationId, N, ['delivered'], 30000);
    expect(deliveries.every((d) => d.attempts === 1)).toBe(true);
    const requests = await eventRequests();
    expect(requests).toHaveLength(N);
    expect(requests.every((r) => r.status === 200)).toBe(true);
    expect(new Set(requests.map((r) => header(r, 'idempotency-key'))).size).toBe(N);
    const sent = requests.map((r) => (r.body as { properties: { n: number } }).properties.n).sort((x, y) => x - y);
    expect(sent).toEqual(Array.from({ length: N }, (_, i) => i));
    expect(await attemptRows(seeded.destinationId)).toHaveLength(N);
    expect(await fake.events()).toHaveLength(N);
    // Both processes took part, and together they delivered each event once.
    const byA = await deliveredByWorker(a, seeded.destinationId);
    const byB = await deliveredByWorker(b, seeded.destinationId);
    expect(byA).toBeGreaterThan(0);
    expect(byB).toBeGreaterThan(0);
    expect(byA + byB).toBe(N);
  });

  /**
   * After every delivery is done: the idempotency keys of the requests the marked worker sent (each of them
   * unanswered when it stopped, as its first 20 requests are all slowed down), and how often each key was sent.
   */
  async function keysOfMarkedWorker(): Promise<{ marked: Set<string>; perKey: Map<string, number> }> {
    const requests = await eventRequests();
    const marked = new Set(requests.filter(sentByMarked).map((r) => header(r, 'idempotency-key')!));
    return { marked, perKey: countBy(requests, (r) => header(r, 'idempotency-key')!) };
  }

  it('a worker killed mid-delivery loses nothing, and what it had in flight is re-sent with the same key', async () => {
    const a = await markedWorker();
    const seeded = await destination();
    await fake.fault({ match: { method: 'POST', path: '/v2/events' }, latencyMs: 2000, times: 20 });
    const N = 60;
    await sendBatch(seeded, N);
    await inFlight(10);
    await a.stop('SIGKILL');
    expect(await waitForDeliveries(env, seeded.destinationId, N, ['pending', 'retrying'], 1000)).toHaveLength(N);

    await startWorker();
    await waitForDeliveries(env, seeded.destinationId, N, ['delivered'], 40000);
    const { marked, perKey } = await keysOfMarkedWorker();
    expect(marked.size).toBeGreaterThanOrEqual(10);
    expect(perKey.size).toBe(N);
    // Exactly the requests the killed worker had in flight were sent again, each with its original key.
    for (const [key, count] of perKey) expect({ key, count }).toEqual({ key, count: marked.has(key) ? 2 : 1 });
    // FullStory stored each event once: the re-sent ones were answered from the idempotency record.
    expect(await fake.events()).toHaveLength(N);
    const attempts = await attemptRows(seeded.destinationId);
    expect(attempts).toHaveLength(N);
    expect(attempts.every((r) => r.decision === 'delivered')).toBe(true);
    expect(new Set(attempts.filter((r) => r.replayed === 'true').map((r) => r.key))).toEqual(marked);
  });

  it('SIGTERM lets in-flight deliveries finish within the grace period; nothing is lost or sent twice', async () => {
    const a = await startWorker();
    const seeded = await destination();
    await fake.fault({ match: { method: 'POST', path: '/v2/events' }, latencyMs: 1000, times: 20 });
    const N = 60;
    await sendBatch(seeded, N);
    await inFlight(10);

    await a.stop('SIGTERM');
    // It finished within the grace period rather than leaving jobs behind.
    expect(a.output.join('')).not.toContain('shutdown grace period over');

    // Everything it had sent was answered and recorded before it exited.
    const sentByA = await eventRequests();
    expect(sentByA.length).toBeGreaterThanOrEqual(10);
    expect(sentByA.every((r) => r.status === 200)).toBe(true);
    const afterA = await attemptRows(seeded.destinationId);
    expect(afterA).toHaveLength(sentByA.length);
    expect(afterA.every((r) => r.decision === 'delivered')).toBe(true);

    await startWorker();
    await waitForDeliveries(env, seeded.destinationId, N, ['delivered'], 30000);
    const requests = await eventRequests();
    expect(requests).toHaveLength(N);
    expect(new Set(requests.map((r) => header(r, 'idempotency-key'))).size).toBe(N);
    const attempts = await attemptRows(seeded.destinationId);
    expect(attempts).toHaveLength(N);
    expect(attempts.filter((r) => r.replayed === 'true')).toEqual([]);
    expect(await fake.events()).toHaveLength(N);
  });

  it('SIGTERM with deliveries slower than the grace period: exits on time, the rest is taken over with the same keys', async () => {
    const a = await markedWorker({ SHUTDOWN_GRACE_MS: '500' });
    const seeded = await destination();
    await fake.fault({ match: { method: 'POST', path: '/v2/events' }, latencyMs: 2000, times: 20 });
    const N = 40;
    await sendBatch(seeded, N);
    const unfinished = (await inFlight(10)).length;

    await a.stop('SIGTERM');
    expect(a.output.join('')).toContain('shutdown grace period over');

    await startWorker();
    await waitForDeliveries(env, seeded.destinationId, N, ['delivered'], 40000);
    const { marked, perKey } = await keysOfMarkedWorker();
    expect(marked.size).toBeGreaterThanOrEqual(unfinished);
    expect(perKey.size).toBe(N);
    // It exited without waiting for its slow requests: every one of them was taken over and sent again.
    for (const [key, count] of perKey) expect({ key, count }).toEqual({ key, count: marked.has(key) ? 2 : 1 });
    expect(await fake.events()).toHaveLength(N);
    const attempts = await attemptRows(seeded.destinationId);
    expect(attempts).toHaveLength(N);
    expect(new Set(attempts.filter((r) => r.replayed === 'true').map((r) => r.key))).toEqual(marked);
  });
});
