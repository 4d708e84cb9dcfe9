import { randomUUID } from 'crypto';
import Redis from 'ioredis';
import { deliveryGroupIndexKey } from '@fsd/platform';
import { RunningApp, StackEnv, basicAuth, dropDatabase, postJson, stackEnv, startApp, waitFor } from '../support/stack';
import { SeededPair, seedSourceAndDestination } from '../support/seed';
import { FakeFullStory, attemptsOf, deliveryQueue, dropQueues, waitForDeliveries } from '../support/delivery';

/**
 * Live group jobs (libs/platform delivery-group.ts, delivery-group.runner.ts): the events of one /v1/batch reach
 * the worker in one group job; a member that is retried or fails goes to its own job `d<id>`, exactly as a job per
 * delivery would have it, and the group index is empty once the group is done.
 */
describe('delivery group jobs', () => {
  let env: StackEnv;
  const apps: RunningApp[] = [];
  let ingest: string;
  let fake: FakeFullStory;
  let redis: Redis;

  beforeAll(async () => {
    env = stackEnv('delivery_groups', { BACKOFF_BASE_MS: '100' });
    apps.push(await startApp('fake-fullstory', env));
    apps.push(await startApp('ingest-api', env));
    apps.push(await startApp('delivery-worker', env));
    ingest = `http://127.0.0.1:${env.INGEST_PORT}`;
    fake = new FakeFullStory(env.FULLSTORY_BASE_URL);
    redis = new Redis(env.REDIS_URL);
  });

  afterAll(async () => {
    redis.disconnect();
    for (const app of apps.reverse()) await app.stop();
    await dropQueues(env);
    await dropDatabase(env.DATABASE_URL);
  });

  beforeEach(async () => {
    await fake.reset();
  });

  async function batch(seeded: SeededPair, events: number): Promise<void> {
    const res = await postJson(
      `${ingest}/v1/batch`,
      {
        batch: Array.from({ length: events }, (_, i) => ({
          type: 'track',
          messageId: `msg-${randomUUID()}`,
          userId: `user-${i}`,
          event: `Order ${i}`,
        })),
      },
      { Authorization: basicAuth(seeded.writeKey) },
    );
    expect(res).toMatchObject({ status: 200, body: { success: true } });
  }

  const indexSize = (destinationId: string) => redis.hlen(deliveryGroupIndexKey(env.QUEUE_PREFIX, destinationId));

  it('shows a paused destination’s backlog in deliveries, not only in jobs, on /metrics', async () => {
    const seeded = await seedSourceAndDestination(env.DATABASE_URL, env.SECRETS_KEY);
    const pause = await fetch(`${ingest}/admin/destinations/${seeded.destinationId}/pause`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${env.ADMIN_TOKEN}` },
    });
    expect(pause.status).toBe(200);
    await batch(seeded, 7);
    await waitFor('the batch in the group index', async () => (await indexSize(seeded.destinationId)) === 7);
    const destination = `destination="${seeded.destinationId}"`;
    // /metrics answers are reused for METRICS_CACHE_MS: polled until a fresh one shows the batch.
    const grouped = await waitFor('the grouped deliveries on /metrics', async () => {
      const text = await (await fetch(`${ingest}/metrics`)).text();
      const line = text.split('\n').find((l) => l.startsWith(`fsd_queue_grouped_deliveries{${destination}}`));
      return line?.endsWith(' 7') ? line : null;
    });
    expect(grouped).toBe(`fsd_queue_grouped_deliveries{${destination}} 7`);
  });

  it('delivers a batch’s events from one group job, handing a retried member over to its own job', async () => {
    const seeded = await seedSourceAndDestination(env.DATABASE_URL, env.SECRETS_KEY);
    await fake.fault({ match: { method: 'POST', path: '/v2/events' }, status: 503, times: 1 });
    await batch(seeded, 5);

    const delivered = await waitForDeliveries(env, seeded.destinationId, 5, ['delivered']);
    const attempts = await Promise.all(delivered.map((d) => attemptsOf(env, d.id)));
    // One member got the 503, was retried by its own job and delivered; the other four were delivered at once.
    expect(attempts.map((a) => a.map((x) => [x.trigger, x.decision])).sort((a, b) => b.length - a.length)).toEqual([
      [
        ['auto', 'retry_scheduled'],
        ['retry', 'delivered'],
      ],
      [['auto', 'delivered']],
      [['auto', 'delivered']],
      [['auto', 'delivered']],
      [['auto', 'delivered']],
    ]);
    expect((await fake.requests({ path: '/v2/events' })).map((r) => r.status).sort()).toEqual([
      200, 200, 200, 200, 200, 503,
    ]);
    await waitFor('the group index emptied', async () => (await indexSize(seeded.destinationId)) === 0);
  });

  it('leaves a member that fails permanently in the failed set as its own job, with the reason', async () => {
    const seeded = await seedSourceAndDestination(env.DATABASE_URL, env.SECRETS_KEY);
    await fake.fault({ match: { method: 'POST', path: '/v2/events' }, status: 400, times: 1 });
    await batch(seeded, 3);

    const settled = await waitForDeliveries(env, seeded.destinationId, 3, ['delivered', 'failed']);
    const failed = settled.filter((d) => d.status === 'failed');
    expect(failed).toHaveLength(1);
    expect(settled.filter((d) => d.status === 'delivered')).toHaveLength(2);
    const queue = deliveryQueue(env, seeded.destinationId);
    try {
      const job = await waitFor('the failed member’s job in the failed set', async () => {
        const found = await queue.getJob(`d${failed[0].id}`);
        return found && (await found.isFailed()) ? found : null;
      });
      expect(job.failedReason).toBe('HTTP 400 Bad Request');
      // Ended failed on its first run without sending again: one attempt, three requests in all.
      expect(await attemptsOf(env, failed[0].id)).toHaveLength(1);
      expect(await fake.requests({ path: '/v2/events' })).toHaveLength(3);
    } finally {
      await queue.close();
    }
    await waitFor('the group index emptied', async () => (await indexSize(seeded.destinationId)) === 0);
  });

  it('sends nothing more of a group while FullStory’s Retry-After lasts: the members not started wait in their own jobs', async () => {
    // One request at a time, so the first member's 429 comes before any other member starts.
    const seeded = await seedSourceAndDestination(env.DATABASE_URL, env.SECRETS_KEY, { settings: { concurrency: 1 } });
    await fake.fault({ match: { method: 'POST', path: '/v2/events' }, status: 429, retryAfter: 2, times: 1 });
    await batch(seeded, 4);

    await waitForDeliveries(env, seeded.destinationId, 4, ['delivered'], 30_000);
    const requests = await fake.requests({ path: '/v2/events' });
    expect(requests.map((r) => r.status)).toEqual([429, 200, 200, 200, 200]);
    // Every later request waited out the Retry-After of the first.
    const first = Date.parse(requests[0].receivedAt);
    for (const r of requests.slice(1)) expect(Date.parse(r.receivedAt) - first).toBeGreaterThanOrEqual(2000);
    await waitFor('the group index emptied', async () => (await indexSize(seeded.destinationId)) === 0);
  });
});
