import { FaultStack, reconcile } from './support/harness';
import { SteadyLoad } from './support/load';
import { scanForSecrets } from './support/secrets';
import { sleep } from '../support/delivery';
import { TcpProxy } from '../support/tcp-proxy';
import { withDb } from '../support/stack';

/**
 * Postgres unreachable for 10 s while events flow (ingest-api and the worker reach it through a proxy
 * the test cuts): ingest answers 503 and acknowledges nothing it did not store; everything acknowledged
 * is delivered exactly once, and every request to FullStory is in the audit trail.
 */
describe('faults: Postgres unreachable for 10 s', () => {
  const proxy = new TcpProxy('127.0.0.1', 5432);
  let stack: FaultStack;

  beforeAll(async () => {
    await proxy.start();
    stack = new FaultStack('postgres');
    const viaProxy = { DATABASE_URL: stack.env.DATABASE_URL.replace(':5432/', `:${proxy.port}/`) };
    await stack.startFake();
    await stack.start('ingest-api', viaProxy);
    await stack.start('delivery-worker', viaProxy);
  });

  afterAll(async () => {
    await stack.stopAll();
    await proxy.stop();
    await stack.drop();
  });

  it('answers 503 during the outage, stores what it acknowledged, and delivers all of it once', async () => {
    const seeded = await stack.scenario();
    await stack.fake.fault({ match: { method: 'POST', path: '/v2/events' }, latencyMs: 50 });
    const load = new SteadyLoad(stack.ingestUrl, seeded.writeKey, 'pg', 150);
    load.start();
    await sleep(2000);
    proxy.cut();
    const cutAt = Date.now();
    await sleep(10000);
    proxy.restore();
    const restoredAt = Date.now();
    await sleep(3000);
    await load.stop();
    await stack.clearFaults();

    const during = load.outcomes.filter((o) => o.at > cutAt + 500 && o.at < restoredAt);
    expect(during.length).toBeGreaterThan(500);
    expect(during.filter((o) => o.status === 200)).toEqual([]);
    expect(new Set(during.map((o) => o.status))).toEqual(new Set([503]));
    expect(during[0].body).toMatch(/storage_unavailable/);
    stack.answers.push(...load.errorBodies());

    // Acknowledged means stored: checked before any client retry.
    const acked = load.acked();
    const stored = await withDb(
      stack.env.DATABASE_URL,
      async (db) =>
        new Set(
          (
            await db.query<{ message_id: string }>('SELECT message_id FROM events WHERE source_id = $1', [
              seeded.sourceId,
            ])
          ).rows.map((r) => r.message_id),
        ),
    );
    expect([...acked].filter((m) => !stored.has(m))).toEqual([]);

    // The client sends the refused messages again; some may have been stored without an answer, and dedup absorbs those.
    const refused = load.unacked().length;
    await load.retryUntilAcked();
    const r = await reconcile(stack, seeded, load.acked(), { timeoutMs: 60000 });
    expect(r.stored).toBe(load.acked().size);
    console.log(`Postgres outage: ${JSON.stringify({ ...r, refused, statuses: load.statusCounts() })}`);
  });

  it('leaks no secret: logs, job payloads, audit rows, API answers', async () => {
    expect(await scanForSecrets(stack)).toEqual([]);
    await stack.stopAll();
    expect(await scanForSecrets(stack)).toEqual([]);
  });
});
