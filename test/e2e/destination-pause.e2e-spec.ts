import { randomUUID } from 'crypto';
import { DEFAULT_JOB_OPTIONS, deliveryJobId } from '@fsd/platform';
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
import {
  FakeFullStory,
  attemptsOf,
  deliveriesInJobs,
  deliveriesOf,
  deliveryQueue,
  dropQueues,
  header,
  redactedAuthorization,
  waitForDeliveries,
} from '../support/delivery';

/**
 * Issue 18 item 3: live settings, pause and disable. The worker's periodic refresh is set to a minute here, so
 * what happens within the test's deadlines comes from the change notifications (NOTIFY from the destinations
 * table's trigger).
 */
describe('destination pause, resume, disable and new destinations, live on a running worker', () => {
  let env: StackEnv;
  const apps: RunningApp[] = [];
  let ingest: string;
  let fake: FakeFullStory;
  let seeded: SeededPair;

  beforeAll(async () => {
    env = stackEnv('destination_pause', {
      DESTINATION_REFRESH_MS: '60000',
      BACKOFF_BASE_MS: '60000',
      FAKE_FULLSTORY_KEYS: 'key-a:admin,key-new:admin,key-other:admin',
    });
    apps.push(await startApp('fake-fullstory', env));
    apps.push(await startApp('ingest-api', env));
    seeded = await seedSourceAndDestination(env.DATABASE_URL, env.SECRETS_KEY, {
      apiKey: 'key-a',
      presets: { trackEvent: true, identifyUser: false },
    });
    apps.push(await startApp('delivery-worker', env));
    ingest = `http://127.0.0.1:${env.INGEST_PORT}`;
    fake = new FakeFullStory(env.FULLSTORY_BASE_URL);
  });

  afterAll(async () => {
    for (const app of apps.reverse()) await app.stop();
    await dropQueues(env);
    await dropDatabase(env.DATABASE_URL);
  });

  beforeEach(async () => {
    await fake.reset();
  });

  const admin = (method: string, path: string, body?: unknown) =>
    fetch(`${ingest}/admin${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${env.ADMIN_TOKEN}`,
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  async function track(n: number): Promise<void> {
    const batch = Array.from({ length: n }, (_, i) => ({
      type: 'track',
      messageId: `m-${randomUUID()}`,
      userId: `u-${i}`,
      event: 'Order Completed',
    }));
    const res = await postJson(`${ingest}/v1/batch`, { batch }, { Authorization: basicAuth(seeded.writeKey) });
    expect(res.status).toBe(200);
  }

  /** A second destination on the same source, created through the admin API while the worker runs. */
  async function createDestination(apiKey: string): Promise<string> {
    const res = await admin('POST', '/destinations', {
      name: `live ${apiKey}`,
      sourceIds: [seeded.sourceId],
      apiKey,
      presets: { trackEvent: true, identifyUser: false },
    });
    expect(res.status).toBe(201);
    return ((await res.json()) as { id: string }).id;
  }

  const requestsWithKey = async (apiKey: string) =>
    (await fake.requests({ method: 'POST', path: '/v2/events' })).filter(
      (r) => header(r, 'authorization') === redactedAuthorization(`Basic ${apiKey}`),
    );

  async function pausedMetric(destinationId: string): Promise<string | undefined> {
    const text = await (await fetch(`${ingest}/metrics`)).text();
    return text
      .split('\n')
      .find((l) => l.startsWith(`fsd_destination_paused{destination="${destinationId}"}`))
      ?.split(' ')
      .at(-1);
  }

  it('a destination created while the worker runs is served from its first event', async () => {
    const created = await createDestination('key-new');
    await track(1);
    // Without the notification the worker would only find the destination at its next refresh, a minute on.
    await waitForDeliveries(env, created, 1, ['delivered']);
    expect(await requestsWithKey('key-new')).toHaveLength(1);
    await admin('DELETE', `/destinations/${created}`);
  });

  it('pause holds live events and replays (nothing sent, nothing failed, still logged and queued); resume sends them', async () => {
    const res = await admin('POST', `/destinations/${seeded.destinationId}/pause`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ id: seeded.destinationId, paused: true });
    expect(await pausedMetric(seeded.destinationId)).toBe('1');
    const page = await (await admin('GET', '/ui')).text();
    expect(page).toContain('(paused)');

    const other = await createDestination('key-other');
    await track(3);
    // The sentinel: the other destination, not paused, has delivered the same events.
    await waitForDeliveries(env, other, 3, ['delivered']);
    // The first test's event was delivered to this destination too.
    const held = (await waitForDeliveries(env, seeded.destinationId, 4, ['delivered', 'pending'])).filter(
      (d) => d.status === 'pending',
    );
    expect(held).toHaveLength(3);
    expect(await requestsWithKey('key-a')).toHaveLength(0);
    const queue = deliveryQueue(env, seeded.destinationId);
    try {
      // A replay job of one of them arrives while paused: held too.
      await queue.add(
        'deliver',
        { deliveryId: held[0].id, trigger: 'replay', replayId: '7' },
        { ...DEFAULT_JOB_OPTIONS, jobId: deliveryJobId(held[0].id, '-r7') },
      );
      expect(await queue.isPaused()).toBe(true);
      const counts = await queue.getJobCounts('wait', 'paused', 'active', 'failed');
      expect({ active: counts.active, failed: counts.failed }).toEqual({ active: 0, failed: 0 });
      // Held: the three live deliveries (one group job, the batch's) and the replay's job.
      expect(counts.wait + counts.paused).toBe(2);
      expect((await deliveriesInJobs(queue, ['wait', 'paused'])).sort()).toEqual(
        [...held.map((d) => d.id), held[0].id].sort(),
      );
    } finally {
      await queue.close();
    }

    const resumed = await admin('POST', `/destinations/${seeded.destinationId}/resume`);
    expect(await resumed.json()).toEqual({ id: seeded.destinationId, paused: false });
    await waitForDeliveries(env, seeded.destinationId, 4, ['delivered']);
    // Three live deliveries and one replay of one of them. The two jobs of held[0] never run at once (its claim);
    // whichever runs first sends. If the replay runs first, the live job then finds the delivery delivered and
    // sends nothing; if the live job runs first, the replay re-sends (its own episode).
    await waitFor('the replay attempt recorded', async () =>
      (await attemptsOf(env, held[0].id)).some((a) => a.trigger === 'replay'),
    );
    const held0 = (await attemptsOf(env, held[0].id)).map((a) => a.trigger);
    expect(held0).toEqual(held0.length === 2 ? ['auto', 'replay'] : ['replay']);
    expect(await requestsWithKey('key-a')).toHaveLength(2 + held0.length);
    expect(await pausedMetric(seeded.destinationId)).toBe('0');
    await admin('DELETE', `/destinations/${other}`);
  });

  it('disabling ends the backlog and the waiting retries skipped (destination_disabled), sending nothing more', async () => {
    // Every request fails: the first delivery goes to retrying with a backoff of up to a minute.
    await fake.fault({ match: { method: 'POST', path: '/v2/events' }, status: 500 });
    await track(1);
    const retrying = (await waitForDeliveries(env, seeded.destinationId, 5, ['delivered', 'retrying'])).filter(
      (r) => r.status === 'retrying',
    );
    expect(retrying).toHaveLength(1);
    // Then a backlog held by a pause.
    await admin('POST', `/destinations/${seeded.destinationId}/pause`);
    await track(2);
    await waitForDeliveries(env, seeded.destinationId, 7, ['delivered', 'retrying', 'pending']);
    const sentBefore = (await fake.requests({ method: 'POST', path: '/v2/events' })).length;

    const res = await admin('PATCH', `/destinations/${seeded.destinationId}`, { enabled: false });
    expect(res.status).toBe(200);
    await admin('POST', `/destinations/${seeded.destinationId}/resume`);
    const rows = await waitForDeliveries(env, seeded.destinationId, 7, ['delivered', 'skipped']);
    expect(rows.filter((r) => r.status === 'skipped')).toHaveLength(3);
    expect((await fake.requests({ method: 'POST', path: '/v2/events' })).length).toBe(sentBefore);
    for (const row of rows.filter((r) => r.status === 'skipped')) {
      const last = (await attemptsOf(env, row.id)).at(-1);
      expect(last).toMatchObject({ decision: 'skipped', skip_reason: 'destination_disabled', request_url: null });
    }
    const state = await withDb(env.DATABASE_URL, async (db) => {
      const { rows: r } = await db.query(`SELECT reason FROM delivery_state_changes WHERE delivery_id = $1`, [
        retrying[0].id,
      ]);
      return r.map((x: { reason: string }) => x.reason);
    });
    expect(state.at(-1)).toBe('destination_disabled');
    expect(await deliveriesOf(env, seeded.destinationId)).toHaveLength(7);
  });

  it('a change of concurrency applies to the running worker at once', async () => {
    const patch = async (body: unknown) =>
      expect((await admin('PATCH', `/destinations/${seeded.destinationId}`, body)).status).toBe(200);
    await patch({ enabled: true, settings: { concurrency: 1 } });
    await fake.fault({ match: { method: 'POST', path: '/v2/events' }, latencyMs: 300 });
    const inFlight = async () =>
      (await fake.requests({ method: 'POST', path: '/v2/events' })).filter((r) => r.status === null).length;
    await track(3);
    let most = 0;
    await waitFor(
      'three more delivered one at a time',
      async () => {
        most = Math.max(most, await inFlight());
        const rows = await deliveriesOf(env, seeded.destinationId);
        return rows.filter((r) => r.status === 'delivered').length === 7;
      },
      20_000,
      20,
    );
    expect(most).toBe(1);

    await patch({ settings: { concurrency: 3 } });
    await track(3);
    await waitFor('three requests in flight at once', async () => (await inFlight()) === 3);
    await waitForDeliveries(env, seeded.destinationId, 13, ['delivered', 'skipped']);
  });
});
