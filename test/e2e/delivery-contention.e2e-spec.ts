import { randomUUID } from 'crypto';
import { DEFAULT_JOB_OPTIONS, completedJobRetention, deliveryJobId } from '@fsd/platform';
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
import { SeededPair, addMapping, seedSourceAndDestination } from '../support/seed';
import { FakeFullStory, attemptsOf, deliveriesOf, deliveryQueue, dropQueues } from '../support/delivery';

/**
 * Issue 18 item 1: one runner per delivery. The auto, replay and redrive jobs of one delivery, forced to run at
 * once on two worker processes, produce exactly one request per subscription per episode: the claim taken with
 * the load keeps the others waiting (delayed, not failed) until the run in flight has recorded its outcome.
 */
describe('delivery contention: one run of a delivery at a time', () => {
  let env: StackEnv;
  const apps: RunningApp[] = [];
  let ingest: string;
  let fake: FakeFullStory;
  let seeded: SeededPair;
  let mappingId: string;

  const V1_PATH = '/users/v1/individual/user-1/customevent';

  beforeAll(async () => {
    env = stackEnv('delivery_contention');
    apps.push(await startApp('fake-fullstory', env));
    apps.push(await startApp('ingest-api', env));
    ingest = `http://127.0.0.1:${env.INGEST_PORT}`;
    fake = new FakeFullStory(env.FULLSTORY_BASE_URL);
    // The Track Event preset (v2, with an Idempotency-Key) and a version 1 mapping (no Idempotency-Key).
    seeded = await seedSourceAndDestination(env.DATABASE_URL, env.SECRETS_KEY, {
      presets: { trackEvent: true, identifyUser: false },
    });
    mappingId = await addMapping(env.DATABASE_URL, seeded.destinationId, {
      name: 'v1 track',
      trigger: 'type = "track"',
      action: 'trackEvent',
      mapping: { userId: { '@path': '$.userId' }, name: { '@path': '$.event' } },
    });
    // Two worker processes share the destination's queue.
    for (let i = 0; i < 2; i++) {
      apps.push(await startApp('delivery-worker', { ...env, WORKER_PORT: String(freePort()) }));
    }
  });

  afterAll(async () => {
    for (const app of apps.reverse()) await app.stop();
    await dropQueues(env);
    await dropDatabase(env.DATABASE_URL);
  });

  it('auto, replay and redrive jobs of one delivery at once: one request per subscription per episode', async () => {
    await fake.identifiedUser('user-1');
    // The first run's two requests take 1.5 s: the replay and redrive jobs arrive while they are in flight.
    await fake.fault({ match: {}, latencyMs: 1500, times: 2 });
    const res = await postJson(
      `${ingest}/v1/track`,
      { type: 'track', messageId: `m-${randomUUID()}`, userId: 'user-1', event: 'Order Completed' },
      { Authorization: basicAuth(seeded.writeKey) },
    );
    expect(res.status).toBe(200);
    await waitFor('the first run in flight at the fake', async () => {
      const inFlight = (await fake.requests()).filter((r) => r.status === null);
      return inFlight.length === 2;
    });
    const [delivery] = await deliveriesOf(env, seeded.destinationId);
    const queue = deliveryQueue(env, seeded.destinationId);
    const jobIds = [deliveryJobId(delivery.id), deliveryJobId(delivery.id, '-r1'), deliveryJobId(delivery.id, '-rd1')];
    try {
      await queue.add(
        'deliver',
        { deliveryId: delivery.id, trigger: 'replay', replayId: '1' },
        { ...DEFAULT_JOB_OPTIONS, ...completedJobRetention('replay'), jobId: jobIds[1] },
      );
      await queue.add(
        'deliver',
        { deliveryId: delivery.id, trigger: 'redrive' },
        { ...DEFAULT_JOB_OPTIONS, ...completedJobRetention('redrive'), jobId: jobIds[2] },
      );

      // The sentinel: all three jobs have completed (none failed), so nothing more is going to be sent. The live
      // job leaves Redis when it completes; the replay's and the redrive's stay, completed.
      const states = await waitFor('the three jobs completed', async () => {
        const all = await Promise.all(jobIds.map(async (id) => (await queue.getJob(id))?.getState() ?? 'removed'));
        return all.every((s) => s === 'completed' || s === 'removed') ? all : null;
      });
      expect(states).toEqual(['removed', 'completed', 'completed']);
      expect(await queue.getJobCounts('failed')).toEqual({ failed: 0 });
    } finally {
      await queue.close();
    }

    // Two episodes (the first run, the replay); the redrive found the delivery delivered and did nothing.
    const requests = await fake.requests({ method: 'POST' });
    expect(requests.filter((r) => r.path === V1_PATH)).toHaveLength(2);
    expect(requests.filter((r) => r.path === '/v2/events')).toHaveLength(2);
    const attempts = await attemptsOf(env, delivery.id);
    const bySubscription = (trigger: string) =>
      attempts
        .filter((a) => a.trigger === trigger)
        .map((a) => `${a.attempt_number}:${a.subscription_id}:${a.decision}`)
        .sort();
    expect(bySubscription('auto')).toEqual([`1:${mappingId}:delivered`, '1:preset:trackEvent:delivered']);
    expect(bySubscription('replay')).toEqual([`2:${mappingId}:delivered`, '2:preset:trackEvent:delivered']);
    expect(attempts).toHaveLength(4);
    // One at a time: the replay started after the first run had ended.
    const autoEnd = Math.max(...attempts.filter((a) => a.trigger === 'auto').map((a) => a.finished_at.getTime()));
    const replayStart = Math.min(...attempts.filter((a) => a.trigger === 'replay').map((a) => a.started_at.getTime()));
    expect(replayStart).toBeGreaterThanOrEqual(autoEnd);

    const row = await withDb(env.DATABASE_URL, async (db) => {
      const { rows } = await db.query('SELECT status, claimed_until, claim_token FROM deliveries WHERE id = $1', [
        delivery.id,
      ]);
      return rows[0] as { status: string; claimed_until: Date | null; claim_token: string | null };
    });
    expect(row).toEqual({ status: 'delivered', claimed_until: null, claim_token: null });
  });
});
