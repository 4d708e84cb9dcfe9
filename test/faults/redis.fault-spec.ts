import { FaultStack } from './support/harness';
import { reconcile } from './support/reconcile';
import { SteadyLoad } from './support/load';
import { RedisServer } from './support/redis-server';
import { scanForSecrets } from './support/secrets';
import { untilHealth } from './support/health';
import { RunningApp, freePort } from '../support/stack';

/**
 * Redis restarted empty while events flow (every queue and job lost): ingest keeps accepting, and the
 * outbox relay rebuilds the queues from the deliveries table. Runs on a private redis-server.
 */
describe('faults: Redis restarted empty', () => {
  const redis = new RedisServer(freePort());
  let stack: FaultStack;
  let ingest: RunningApp;

  beforeAll(async () => {
    await redis.start();
    stack = new FaultStack('redis', {
      REDIS_URL: redis.url,
      OUTBOX_RELAY_INTERVAL_MS: '500',
      OUTBOX_RELAY_GRACE_MS: '1000',
    });
    await stack.startFake();
    ingest = await stack.start('ingest-api');
    await stack.start('delivery-worker');
  });

  afterAll(async () => {
    await stack.stopAll();
    await redis.kill();
    await stack.drop();
  });

  it('every event acknowledged before, during and after the outage is delivered exactly once', async () => {
    const seeded = await stack.scenario();
    // Slow answers and retries keep jobs active, waiting and delayed in Redis when it dies.
    await stack.fake.fault({ match: { method: 'POST', path: '/v2/events' }, status: 503, ratio: 0.2 });
    await stack.fake.fault({ match: { method: 'POST', path: '/v2/events' }, latencyMs: 100 });
    const load = new SteadyLoad(stack.ingestUrl, seeded.writeKey, 'redis', 150);
    load.start();
    await load.untilAcked(375);
    await redis.kill();
    const downAt = Date.now();
    // Ingest notices, and keeps accepting while Redis is down.
    await untilHealth(ingest, 'redis', 'down');
    await load.untilAcked(load.acked().size + 300);
    const restartAt = Date.now();
    const duringOutage = load.outcomes.filter((o) => o.sentAt > downAt && o.at < restartAt);
    await redis.start();
    await untilHealth(ingest, 'redis', 'up');
    await load.untilAcked(load.acked().size + 300);
    await load.stop();
    await stack.clearFaults();

    expect(duringOutage.length).toBeGreaterThanOrEqual(300);
    expect(duringOutage.filter((o) => o.status !== 200)).toEqual([]);
    expect(load.unacked()).toEqual([]);
    const r = await reconcile(stack, seeded, load.acked(), { timeoutMs: 60000 });
    // The relay rebuilt the lost queues from the deliveries table.
    expect(ingest.output.join('')).toMatch(/re-enqueued \d+ deliveries/);
    expect(r.statuses['503']).toBeGreaterThan(0);
    console.log(`Redis restarted empty: ${JSON.stringify(r)}`);
  });

  it('leaks no secret: logs, job payloads, audit rows, API answers', async () => {
    expect(await scanForSecrets(stack)).toEqual([]);
    await stack.stopAll();
    expect(await scanForSecrets(stack)).toEqual([]);
  });
});
