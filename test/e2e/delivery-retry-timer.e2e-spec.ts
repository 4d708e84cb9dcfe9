import { randomUUID } from 'crypto';
import type { Queue } from 'bullmq';
import { DEFAULT_JOB_OPTIONS, completedJobRetention, deliveryJobId, deliveryJobPriority } from '@fsd/platform';
import {
  RunningApp,
  StackEnv,
  basicAuth,
  dropDatabase,
  postJson,
  stackEnv,
  startApp,
  waitFor,
  withDb,
} from '../support/stack';
import { SeededPair, seedSourceAndDestination } from '../support/seed';
import { FakeFullStory, attemptsOf, deliveriesOf, deliveryQueue, dropQueues } from '../support/delivery';

/**
 * Issue 18: one retry timer per delivery. A replay that starts while a retry of the same delivery is delayed used
 * to leave two timers (the delayed auto job's and the replay job's), both scheduling later retries. The job whose
 * outcome is recorded last holds the one timer (deliveries.retry_job); the other's is removed, and its retry, if
 * it fired anyway, would end without sending. A retry of the replay job continues the replay's episode.
 */
describe('delivery retry timer: one per delivery', () => {
  let env: StackEnv;
  const apps: RunningApp[] = [];
  let ingest: string;
  let fake: FakeFullStory;
  let seeded: SeededPair;

  beforeAll(async () => {
    // Backoffs of up to an hour: no timer fires by itself during the test.
    env = stackEnv('delivery_retry_timer', { BACKOFF_BASE_MS: '3600000', BACKOFF_MAX_MS: '3600000' });
    apps.push(await startApp('fake-fullstory', env));
    apps.push(await startApp('ingest-api', env));
    apps.push(await startApp('delivery-worker', env));
    ingest = `http://127.0.0.1:${env.INGEST_PORT}`;
    fake = new FakeFullStory(env.FULLSTORY_BASE_URL);
    seeded = await seedSourceAndDestination(env.DATABASE_URL, env.SECRETS_KEY, {
      presets: { trackEvent: true, identifyUser: false },
    });
  });

  afterAll(async () => {
    for (const app of apps.reverse()) await app.stop();
    await dropQueues(env);
    await dropDatabase(env.DATABASE_URL);
  });

  /** Ids of the queue's delayed jobs of this delivery: its pending retry timers. */
  async function timers(queue: Queue, deliveryId: string): Promise<string[]> {
    const delayed = await queue.getDelayed();
    return delayed.map((j) => j.id ?? '').filter((id) => id.startsWith(deliveryJobId(deliveryId)));
  }

  async function retryJobOf(deliveryId: string): Promise<string | null> {
    return withDb(env.DATABASE_URL, async (db) => {
      const { rows } = await db.query<{ retry_job: string | null }>('SELECT retry_job FROM deliveries WHERE id = $1', [
        deliveryId,
      ]);
      return rows[0].retry_job;
    });
  }

  it('a replay while a retry is delayed leaves one timer, and its retry continues the replay’s episode', async () => {
    await fake.fault({ match: { method: 'POST', path: '/v2/events' }, status: 500 });
    const res = await postJson(
      `${ingest}/v1/track`,
      { type: 'track', messageId: `m-${randomUUID()}`, userId: 'user-1', event: 'Order Completed' },
      { Authorization: basicAuth(seeded.writeKey) },
    );
    expect(res.status).toBe(200);
    const [delivery] = await waitFor('the delivery retrying', async () => {
      const rows = await deliveriesOf(env, seeded.destinationId);
      return rows.length === 1 && rows[0].status === 'retrying' ? rows : null;
    });
    const autoJob = deliveryJobId(delivery.id);
    const replayJob = deliveryJobId(delivery.id, '-r1');
    const queue = deliveryQueue(env, seeded.destinationId);
    try {
      await waitFor('the auto job’s retry delayed', async () => (await queue.getJob(autoJob))?.isDelayed());
      expect(await timers(queue, delivery.id)).toEqual([autoJob]);
      expect(await retryJobOf(delivery.id)).toBe(autoJob);

      // A replay of the delivery, as POST /admin/replays enqueues it, fails too.
      await queue.add(
        'deliver',
        { deliveryId: delivery.id, trigger: 'replay', replayId: '1' },
        {
          ...DEFAULT_JOB_OPTIONS,
          ...deliveryJobPriority('replay'),
          ...completedJobRetention('replay'),
          jobId: replayJob,
        },
      );
      await waitFor('the replay’s retry delayed', async () => (await queue.getJob(replayJob))?.isDelayed());
      // One timer: the replay job's. The auto job's delayed retry is gone.
      expect(await timers(queue, delivery.id)).toEqual([replayJob]);
      expect(await queue.getJob(autoJob)).toBeUndefined();
      expect(await retryJobOf(delivery.id)).toBe(replayJob);

      // The replay's retry, now due, delivers: a continuation of the replay's episode, not a new replay.
      await fake.clearFaults();
      await (await queue.getJob(replayJob))!.promote();
      // A replay's completed job stays in Redis (completedJobRetention), so the relay never adds it again.
      await waitFor('the replay job completed', async () => (await queue.getJob(replayJob))?.isCompleted());
      expect(await timers(queue, delivery.id)).toEqual([]);
    } finally {
      await queue.close();
    }
    const attempts = await attemptsOf(env, delivery.id);
    expect(attempts.map((a) => `${a.attempt_number}:${a.trigger}:${a.decision}`)).toEqual([
      '1:auto:retry_scheduled',
      '2:replay:retry_scheduled',
      '3:retry:delivered',
    ]);
    expect(await fake.requests({ method: 'POST', path: '/v2/events' })).toHaveLength(3);
    const [row] = await deliveriesOf(env, seeded.destinationId);
    expect(row.status).toBe('delivered');
    expect(await retryJobOf(delivery.id)).toBeNull();
  });
});
