import { randomUUID } from 'crypto';
import { FakeFullStory, deliveriesInJobs, deliveriesOf, deliveryQueue, waitForDeliveries } from '../support/delivery';
import { SeededPair } from '../support/seed';
import { StackEnv, basicAuth, postJson, waitFor, withDb } from '../support/stack';
import { useStack } from '../support/use-stack';

/** Events per burst; the destination's concurrency (the default, 100) never holds them back. */
const N = 10;
/** The fake holds every request this long, so no delivery can finish before the whole burst could have started. */
const HOLD_MS = 3000;

/**
 * Issue 18: a change of `rateLimitPerSecond` through `PATCH /admin/destinations/:id` applies to the running worker
 * without a restart (the periodic refresh is a minute here, so it is the change notification that applies it).
 * (A change of `enabled` to false is covered by destination-pause.e2e-spec.ts.)
 *
 * The same burst runs twice, unlimited and then at 1/s. Each time N events wait in the paused queue, the queue is
 * let go, and the sentinel is the first request the fake finishes: none can finish before HOLD_MS. Unlimited, the
 * worker has taken every job by then (nothing stops its fetch loop while slots are free); at 1/s the BullMQ
 * limiter lets one job start per second, so some are still waiting. The counts are read from the worker's queue.
 */
describe('live rate limit on a running worker', () => {
  let env: StackEnv;
  let ingest: string;
  let fake: FakeFullStory;
  let seeded: SeededPair;

  const stack = useStack(
    'live_settings',
    { DESTINATION_REFRESH_MS: '60000' },
    { seed: { presets: { trackEvent: true, identifyUser: false } } },
  );
  // The spec's shorthands for the stack's parts (set once useStack's beforeAll has run).
  beforeAll(() => ({ env, ingest, fake, seeded } = stack));

  const admin = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${ingest}/admin${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${env.ADMIN_TOKEN}`,
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    expect({ path, status: res.status }).toEqual({ path, status: 200 });
  };

  /**
   * Queues a burst of N held by a pause under the given limit, lets it go and returns how many of its jobs are
   * still waiting when the fake finishes its first request.
   */
  async function burst(rateLimitPerSecond: number): Promise<number> {
    const before = (await deliveriesOf(env, seeded.destinationId)).length;
    await fake.reset();
    await fake.fault({ match: { method: 'POST', path: '/v2/events' }, latencyMs: HOLD_MS });
    await admin('POST', `/destinations/${seeded.destinationId}/pause`);
    await admin('PATCH', `/destinations/${seeded.destinationId}`, { settings: { rateLimitPerSecond } });
    const batch = Array.from({ length: N }, (_, i) => ({
      type: 'track',
      messageId: `m-${randomUUID()}`,
      userId: `u-${i}`,
      event: 'Order Completed',
    }));
    const res = await postJson(`${ingest}/v1/batch`, { batch }, { Authorization: basicAuth(seeded.writeKey) });
    expect(res.status).toBe(200);
    const queue = deliveryQueue(env, seeded.destinationId);
    try {
      // In one group job (the batch's); what it carries is what counts.
      await waitFor(
        'the burst waiting in the paused queue',
        async () => (await deliveriesInJobs(queue, ['wait', 'paused', 'prioritized'])).length === N,
      );
      // Resumed through the table, not the queue: the worker resumes the queue itself, in the same apply that
      // reads the new limit, so the limit is in place before any job of the burst can start.
      await withDb(env.DATABASE_URL, (db) =>
        db.query('UPDATE destinations SET paused = false WHERE id = $1', [seeded.destinationId]),
      );
      await waitFor('the first request finished by the fake', async () =>
        (await fake.requests({ method: 'POST', path: '/v2/events' })).some((r) => r.status !== null),
      );
      const c = await queue.getJobCounts('wait', 'paused', 'prioritized');
      const waiting = c.wait + c.paused + c.prioritized;
      // Every event is sent once in the end, limited or not.
      await waitForDeliveries(env, seeded.destinationId, before + N, ['delivered'], 60_000);
      expect(await fake.requests({ method: 'POST', path: '/v2/events' })).toHaveLength(N);
      return waiting;
    } finally {
      await queue.close();
    }
  }

  it('unlimited, the whole burst has started before the first request finishes', async () => {
    expect(await burst(0)).toBe(0);
  });

  it('after PATCH rateLimitPerSecond: 1, jobs of the burst are still waiting when the first request finishes', async () => {
    expect(await burst(1)).toBeGreaterThanOrEqual(1);
  });
});
