import { randomUUID } from 'crypto';
import { deliveryGroupJobId, deliveryJobId } from '@fsd/platform';
import { StackEnv, basicAuth, postJson, waitFor } from '../support/stack';
import { SeededPair } from '../support/seed';
import { FakeFullStory, deliveriesOf, deliveryQueue, waitForDeliveries } from '../support/delivery';
import { useStack } from '../support/use-stack';

/**
 * Issue 18 item 4: live traffic first. Replay jobs run below live events (BullMQ priorities): a live event
 * enqueued after a replay of 30 events is delivered before any of the replay. (How much sooner, under load, is
 * the bench's business.) One job at a time (concurrency 1) makes the order exact.
 */
describe('delivery priority: live events before replays', () => {
  let env: StackEnv;
  let ingest: string;
  let fake: FakeFullStory;
  let seeded: SeededPair;
  const N = 30;

  const stack = useStack(
    'delivery_priority',
    {},
    { seed: { presets: { trackEvent: true, identifyUser: false }, settings: { concurrency: 1 } } },
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
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  const track = async (events: Record<string, unknown>[]) => {
    const batch = events.map((e) => ({
      type: 'track',
      messageId: `m-${randomUUID()}`,
      event: 'Order Completed',
      ...e,
    }));
    expect(
      (await postJson(`${ingest}/v1/batch`, { batch }, { Authorization: basicAuth(seeded.writeKey) })).status,
    ).toBe(200);
  };

  /** The delivery at this index, once its job is in the queue. */
  const queued = (index: number) =>
    waitFor('the live delivery queued', async () => {
      const rows = await deliveriesOf(env, seeded.destinationId);
      if (rows.length !== index + 1) return null;
      const queue = deliveryQueue(env, seeded.destinationId);
      try {
        // A live delivery travels in a group job (g<id> for the first of its batch).
        return (await queue.getJob(deliveryGroupJobId(rows[index].id))) ? rows[index] : null;
      } finally {
        await queue.close();
      }
    });

  it('a live event enqueued after a replay of 30 events is delivered before the replay', async () => {
    const from = new Date(Date.now() - 60_000).toISOString();
    await track(Array.from({ length: N }, (_, i) => ({ userId: `u-${i}`, properties: { n: i } })));
    await waitForDeliveries(env, seeded.destinationId, N, ['delivered']);
    const to = new Date(Date.now() + 1000).toISOString();

    // Hold the queue while the replay and then the live event are enqueued, so neither starts before the other.
    expect((await admin('POST', `/destinations/${seeded.destinationId}/pause`)).status).toBe(200);
    const replay = await admin('POST', '/replays', {
      destinationId: seeded.destinationId,
      filter: { from, to },
      ratePerSecond: 1000,
      // Per event: the priority of replay jobs on the destination's queue (a batch replay has its own queue).
      mode: 'per-event',
    });
    expect([201, 202]).toContain(replay.status);
    await waitFor('the replay enqueued', async () => {
      const r = await admin('GET', `/replays/${String(replay.body.id)}`);
      return r.body.status === 'completed' && r.body.enqueued === N;
    });
    await track([{ userId: 'live-user', properties: { live: true } }]);
    const live = await queued(N);
    expect(live.status).toBe('pending');

    await fake.reset();
    expect((await admin('POST', `/destinations/${seeded.destinationId}/resume`)).status).toBe(200);
    // The sentinel: every request of the replay and the live one has arrived.
    const sent = await waitFor('31 requests', async () => {
      const list = await fake.requests({ method: 'POST', path: '/v2/events' });
      return list.length === N + 1 ? list : null;
    });
    const isLive = sent.map((r) => (r.body as { properties?: { live?: boolean } }).properties?.live === true);
    expect(isLive.indexOf(true)).toBe(0);
    expect(isLive.filter(Boolean)).toHaveLength(1);
  });

  it('a failed delivery redriven in place (its job back from the failed set) also runs after a later live event', async () => {
    await fake.fault({ match: { method: 'POST', path: '/v2/events' }, status: 400, times: 1 });
    await track([{ userId: 'u-failing', properties: { redriven: true } }]);
    const failed = await waitFor('the failed delivery', async () => {
      const rows = await deliveriesOf(env, seeded.destinationId);
      return rows.length === N + 2 && rows[N + 1].status === 'failed' ? rows[N + 1] : null;
    });
    const queue = deliveryQueue(env, seeded.destinationId);
    try {
      // Its group job handed it over to its own job, which ends in the failed set.
      await waitFor('the failed delivery’s job in the failed set', async () =>
        (await (await queue.getJob(deliveryJobId(failed.id)))?.getState()) === 'failed' ? true : null,
      );
    } finally {
      await queue.close();
    }

    expect((await admin('POST', `/destinations/${seeded.destinationId}/pause`)).status).toBe(200);
    const redrive = await admin('POST', '/deliveries/redrive', { destinationId: seeded.destinationId });
    expect(redrive.body).toEqual({ redriven: 1 });
    await track([{ userId: 'live-user', properties: { live: true } }]);
    await queued(N + 2);

    await fake.reset();
    expect((await admin('POST', `/destinations/${seeded.destinationId}/resume`)).status).toBe(200);
    const sent = await waitFor('both requests', async () => {
      const list = await fake.requests({ method: 'POST', path: '/v2/events' });
      return list.length === 2 ? list : null;
    });
    expect(sent.map((r) => (r.body as { properties?: Record<string, boolean> }).properties)).toEqual([
      { live: true },
      { redriven: true },
    ]);
    await waitForDeliveries(env, seeded.destinationId, N + 3, ['delivered']);
  });
});
