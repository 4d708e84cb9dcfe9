import { randomUUID } from 'crypto';
import Redis from 'ioredis';
import {
  BACKGROUND_JOB_PRIORITY,
  DEFAULT_JOB_OPTIONS,
  completedJobRetention,
  deliveryGroupIndexKey,
} from '@fsd/platform';
import { RunningApp, StackEnv, basicAuth, dropDatabase, postJson, stackEnv, startApp, waitFor } from '../support/stack';
import { SeededPair, seedSourceAndDestination } from '../support/seed';
import { FakeFullStory, attemptsOf, deliveryQueue, dropQueues, waitForDeliveries } from '../support/delivery';

/**
 * Group jobs (libs/platform delivery-group.ts, delivery-group.runner.ts): the events of one /v1/batch reach the
 * worker in one group job; a member that is retried or fails goes to its own job `d<id>`, exactly as a job per
 * delivery would have it, and the group index is empty once the group is done. A per-event replay's page travels in
 * group jobs too, whose members a second run of the group leaves alone once sent.
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

  describe('a per-event replay’s group jobs', () => {
    const admin = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`${ingest}${path}`, {
        method,
        headers: { Authorization: `Bearer ${env.ADMIN_TOKEN}`, 'Content-Type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    /**
     * Delivers `events` live, then (after `beforeReplay`) replays them all; resolves with the replay's id and the
     * deliveries' ids (in order) once the replay has enqueued them.
     */
    async function deliverThenReplay(
      seeded: SeededPair,
      events: number,
      beforeReplay: () => Promise<void>,
    ): Promise<{ replayId: string; ids: string[] }> {
      const from = new Date(Date.now() - 60_000).toISOString();
      await batch(seeded, events);
      const ids = sortedIds(await waitForDeliveries(env, seeded.destinationId, events, ['delivered']));
      await beforeReplay();
      const to = new Date(Date.now() + 1000).toISOString();
      const started = await admin('POST', '/admin/replays', {
        destinationId: seeded.destinationId,
        filter: { from, to },
        ratePerSecond: 1000,
        mode: 'per-event',
      });
      expect(started.status).toBe(202);
      const id = String(started.body.id);
      await waitFor('the replay to enqueue everything', async () => {
        const r = await admin('GET', `/admin/replays/${id}`);
        return r.body.enqueued === events && r.body.status === 'completed';
      });
      return { replayId: id, ids };
    }
    const sortedIds = (rows: { id: string }[]) => rows.map((d) => d.id).sort((a, b) => Number(a) - Number(b));

    it('sends each delivery once more from one group job g<firstId>-r<replay>; a retried member continues the replay’s episode as d<id>-r<replay>', async () => {
      const seeded = await seedSourceAndDestination(env.DATABASE_URL, env.SECRETS_KEY);
      const queue = deliveryQueue(env, seeded.destinationId);
      try {
        const { replayId, ids } = await deliverThenReplay(seeded, 4, async () => {
          await fake.reset();
          await fake.fault({ match: { method: 'POST', path: '/v2/events' }, status: 503, times: 1 });
        });
        // Four replayed, one of them retried once: nine attempts in all, every delivery delivered again.
        await waitFor('the replay delivered', async () => {
          const rows = await waitForDeliveries(env, seeded.destinationId, 4, ['delivered', 'pending', 'retrying']);
          const attempts = await Promise.all(ids.map((id) => attemptsOf(env, id)));
          return rows.every((d) => d.status === 'delivered') && attempts.flat().length === 9;
        });

        // One group job carried the page; it stays an hour once complete, as the replay's jobs per delivery do.
        const group = await waitFor('the replay’s group job completed', async () => {
          const job = await queue.getJob(`g${ids[0]}-r${replayId}`);
          return job && (await job.isCompleted()) ? job : null;
        });
        expect(group.data).toEqual({
          group: ids.map((id) => ({ deliveryId: id, loggedAt: expect.any(String), attemptsBefore: 1 })),
          replayId,
        });
        expect(group.returnvalue).toBe('4 in the group, 1 handed over to their own jobs');
        const attempts = await Promise.all(ids.map((id) => attemptsOf(env, id)));
        const byLength = attempts.map((a) => a.map((x) => [x.trigger, x.decision])).sort((a, b) => b.length - a.length);
        expect(byLength).toEqual([
          [
            ['auto', 'delivered'],
            ['replay', 'retry_scheduled'],
            ['retry', 'delivered'],
          ],
          [
            ['auto', 'delivered'],
            ['replay', 'delivered'],
          ],
          [
            ['auto', 'delivered'],
            ['replay', 'delivered'],
          ],
          [
            ['auto', 'delivered'],
            ['replay', 'delivered'],
          ],
        ]);
        // The retry ran under the replay's job id, which held the retry timer, below live traffic.
        const retried = ids[attempts.findIndex((a) => a.length === 3)];
        const handedOver = await queue.getJob(`d${retried}-r${replayId}`);
        expect(handedOver?.data).toMatchObject({ deliveryId: retried, trigger: 'auto' });
        expect(handedOver?.opts.priority).toBe(BACKGROUND_JOB_PRIORITY);
        expect((await fake.requests({ path: '/v2/events' })).map((r) => r.status).sort()).toEqual([
          200, 200, 200, 200, 503,
        ]);
        await waitFor('the group index emptied', async () => (await indexSize(seeded.destinationId)) === 0);
      } finally {
        await queue.close();
      }
    });

    it('sends nothing again when the same group runs a second time (as after a crash): every member was sent since the replay took it', async () => {
      const seeded = await seedSourceAndDestination(env.DATABASE_URL, env.SECRETS_KEY);
      const queue = deliveryQueue(env, seeded.destinationId);
      try {
        const { replayId, ids } = await deliverThenReplay(seeded, 3, () => fake.reset());
        await waitFor('every delivery replayed', async () =>
          (await Promise.all(ids.map((id) => attemptsOf(env, id)))).every((a) => a.length === 2),
        );
        const group = await waitFor('the replay’s group job completed', async () => {
          const job = await queue.getJob(`g${ids[0]}-r${replayId}`);
          return job && (await job.isCompleted()) ? job : null;
        });
        expect(await fake.requests({ path: '/v2/events' })).toHaveLength(3);

        // The same group again, as BullMQ would run it after a worker died before finishing it.
        const again = await queue.add('deliver', group.data, {
          ...DEFAULT_JOB_OPTIONS,
          ...completedJobRetention('replay'),
          jobId: `g${ids[0]}-r${replayId}-again`,
        });
        await waitFor('the second run completed', async () => (await queue.getJob(again.id!))?.isCompleted());
        expect((await queue.getJob(again.id!))?.returnvalue).toBe('3 in the group, 0 handed over to their own jobs');
        expect(await fake.requests({ path: '/v2/events' })).toHaveLength(3);
        for (const id of ids) expect((await attemptsOf(env, id)).map((a) => a.trigger)).toEqual(['auto', 'replay']);
      } finally {
        await queue.close();
      }
    });
  });
});
