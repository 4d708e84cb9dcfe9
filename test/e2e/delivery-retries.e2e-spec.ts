import { randomUUID } from 'crypto';
import { RunningApp, StackEnv, basicAuth, dropDatabase, postJson, stackEnv, startApp, waitFor } from '../support/stack';
import { SeededPair, addMapping, seedSourceAndDestination } from '../support/seed';
import {
  CapturedRequest,
  FakeFullStory,
  attemptsOf,
  deliveryQueue,
  dropQueues,
  header,
  stateChangesOf,
  waitForDeliveries,
} from '../support/delivery';

/**
 * Issue 5: the retry policy end to end (fullstory-destination.md §8, architecture.md "Retries"):
 * retryable answers are retried with the same Idempotency-Key until delivered, Retry-After is honoured,
 * permanent failures stop after one attempt and leave the job in BullMQ's failed set.
 */
describe('delivery retries', () => {
  let env: StackEnv;
  const apps: RunningApp[] = [];
  let ingest: string;
  let fake: FakeFullStory;

  beforeAll(async () => {
    env = stackEnv('delivery_retries', {
      BACKOFF_BASE_MS: '100',
      FULLSTORY_TIMEOUT_MS: '500',
    });
    apps.push(await startApp('fake-fullstory', env));
    apps.push(await startApp('ingest-api', env));
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

  async function track(seeded: SeededPair, event = 'Order Completed'): Promise<void> {
    const res = await postJson(
      `${ingest}/v1/track`,
      { messageId: `msg-${randomUUID()}`, userId: 'user-1', event, properties: { total: 42.5 } },
      { Authorization: basicAuth(seeded.writeKey) },
    );
    expect(res).toMatchObject({ status: 200, body: { success: true } });
  }

  async function eventRequests(count: number): Promise<CapturedRequest[]> {
    return waitFor(
      `${count} finished requests at the fake`,
      async () => {
        const list = await fake.requests({ path: '/v2/events' });
        return list.length >= count && list.every((r) => r.status !== null) ? list : null;
      },
      20000,
    );
  }

  const SENTINEL = 'Sentinel';
  const isSentinel = (r: CapturedRequest) => {
    const body = r.body as { name?: string; event?: { event_name?: string } } | null;
    return body?.name === SENTINEL || body?.event?.event_name === SENTINEL;
  };

  /**
   * The positive signal before asserting that nothing more is sent: with every fault removed, a later event
   * on the same destination (same queue, same worker) reaches FullStory. Returns the requests to `path`
   * without the sentinel's.
   */
  async function afterSentinel(seeded: SeededPair, path: string): Promise<CapturedRequest[]> {
    await fake.clearFaults();
    await track(seeded, SENTINEL);
    await waitFor('the sentinel event at FullStory', async () =>
      (await fake.events()).some((e) => e.name === SENTINEL),
    );
    return (await fake.requests({ path })).filter((r) => !isSentinel(r));
  }

  async function failedJobIds(destinationId: string): Promise<string[]> {
    const queue = deliveryQueue(env, destinationId);
    try {
      return (await queue.getFailed()).map((j) => j.id!);
    } finally {
      await queue.close();
    }
  }

  it('retries 500 twice and then delivers, auditing three attempts with one Idempotency-Key', async () => {
    const seeded = await seedSourceAndDestination(env.DATABASE_URL, env.SECRETS_KEY);
    await fake.fault({ match: { method: 'POST', path: '/v2/events' }, status: 500, times: 2 });
    await track(seeded);

    const [delivery] = await waitForDeliveries(env, seeded.destinationId, 1, ['delivered']);
    expect(delivery.attempts).toBe(3);
    const requests = await eventRequests(3);
    expect(requests.map((r) => r.status)).toEqual([500, 500, 200]);
    const keys = new Set(requests.map((r) => header(r, 'idempotency-key')));
    expect(keys.size).toBe(1);
    expect([...keys][0]).toMatch(/^[0-9a-f]{64}$/);
    expect(requests.map((r) => JSON.stringify(r.body))).toEqual(Array(3).fill(JSON.stringify(requests[0].body)));

    const attempts = await attemptsOf(env, delivery.id);
    expect(attempts.map((a) => [a.attempt_number, a.trigger, a.decision, a.response_status, a.error_class])).toEqual([
      [1, 'auto', 'retry_scheduled', 500, 'http_5xx'],
      [2, 'retry', 'retry_scheduled', 500, 'http_5xx'],
      [3, 'retry', 'delivered', 200, null],
    ]);
    for (const a of attempts) expect(a.request_headers['Idempotency-Key']).toBe([...keys][0]);
    // Each retry waited for the time the policy chose (within the jitter ceiling of BACKOFF_BASE_MS·2^n).
    for (const i of [0, 1]) {
      expect(attempts[i].retry_at).toBeInstanceOf(Date);
      expect(attempts[i + 1].started_at.getTime()).toBeGreaterThanOrEqual(attempts[i].retry_at.getTime() - 50);
    }
    expect(await stateChangesOf(env, delivery.id)).toEqual([
      { from: 'pending', to: 'retrying' },
      { from: 'retrying', to: 'delivered' },
    ]);
    expect(await fake.events()).toHaveLength(1);
  });

  it('waits at least Retry-After after a 429 before the next attempt', async () => {
    const seeded = await seedSourceAndDestination(env.DATABASE_URL, env.SECRETS_KEY);
    await fake.fault({ match: { method: 'POST', path: '/v2/events' }, status: 429, retryAfter: 2, times: 1 });
    await track(seeded);

    const [delivery] = await waitForDeliveries(env, seeded.destinationId, 1, ['delivered']);
    const requests = await eventRequests(2);
    expect(requests.map((r) => r.status)).toEqual([429, 200]);
    const gap = Date.parse(requests[1].receivedAt) - Date.parse(requests[0].receivedAt);
    // Never earlier than Retry-After (how much later is the machine's business, not the policy's).
    expect(gap).toBeGreaterThanOrEqual(2000);
    const attempts = await attemptsOf(env, delivery.id);
    expect(attempts.map((a) => [a.trigger, a.decision, a.response_status, a.error_class])).toEqual([
      ['auto', 'retry_scheduled', 429, 'rate_limited'],
      ['retry', 'delivered', 200, null],
    ]);
    expect(attempts[0].response_headers['retry-after']).toBe('2');
    expect(attempts[0].retry_at.getTime() - attempts[0].finished_at.getTime()).toBeGreaterThanOrEqual(1990);
  });

  it('fails a 400 after exactly one attempt and leaves the job in the failed set', async () => {
    const seeded = await seedSourceAndDestination(env.DATABASE_URL, env.SECRETS_KEY);
    await fake.fault({ match: { method: 'POST', path: '/v2/events' }, status: 400 });
    await track(seeded);

    const [delivery] = await waitForDeliveries(env, seeded.destinationId, 1, ['failed']);
    expect(delivery.last_error).toBe('HTTP 400 Bad Request');
    await waitFor('the job in the failed set', async () =>
      (await failedJobIds(seeded.destinationId)).includes(`d${delivery.id}`),
    );
    const sent = await afterSentinel(seeded, '/v2/events');
    expect(sent.map((r) => r.status)).toEqual([400]);
    const attempts = await attemptsOf(env, delivery.id);
    expect(attempts).toHaveLength(1);
    expect(attempts[0]).toMatchObject({
      attempt_number: 1,
      trigger: 'auto',
      response_status: 400,
      decision: 'failed_permanently',
      error_class: 'http_4xx',
      retry_at: null,
    });
    expect(await stateChangesOf(env, delivery.id)).toEqual([{ from: 'pending', to: 'failed' }]);
  });

  it('fails a validation error permanently without any request', async () => {
    const seeded = await seedSourceAndDestination(env.DATABASE_URL, env.SECRETS_KEY, {
      presets: { trackEvent: false, identifyUser: false },
    });
    const mappingId = await addMapping(env.DATABASE_URL, seeded.destinationId, {
      name: 'v1 track without a user id',
      trigger: 'type = "track"',
      action: 'trackEvent',
      mapping: { name: { '@path': '$.event' }, properties: { '@path': '$.properties' } },
    });
    await track(seeded);

    const [delivery] = await waitForDeliveries(env, seeded.destinationId, 1, ['failed']);
    const attempts = await attemptsOf(env, delivery.id);
    expect(attempts).toHaveLength(1);
    expect(attempts[0]).toMatchObject({
      trigger: 'auto',
      subscription_id: mappingId,
      action: 'trackEvent',
      decision: 'failed_permanently',
      error_class: 'validation',
      error_message: "The root value is missing the required field 'userId'.",
      request_method: null,
      request_url: null,
      response_status: null,
    });
    await waitFor('the job in the failed set', async () =>
      (await failedJobIds(seeded.destinationId)).includes(`d${delivery.id}`),
    );
    expect(await fake.requests()).toEqual([]);
  });

  it('retries a request that times out', async () => {
    const seeded = await seedSourceAndDestination(env.DATABASE_URL, env.SECRETS_KEY);
    // FULLSTORY_TIMEOUT_MS is 500: the first answer comes too late.
    await fake.fault({ match: { method: 'POST', path: '/v2/events' }, latencyMs: 1500, times: 1 });
    await track(seeded);

    const [delivery] = await waitForDeliveries(env, seeded.destinationId, 1, ['delivered']);
    const attempts = await attemptsOf(env, delivery.id);
    expect(attempts[0]).toMatchObject({
      attempt_number: 1,
      trigger: 'auto',
      decision: 'retry_scheduled',
      error_class: 'timeout',
      response_status: null,
    });
    // Cut off at the timeout, not answered late: the answer would have taken 1500 ms.
    expect(attempts[0].latency_ms).toBeGreaterThanOrEqual(450);
    const last = attempts.at(-1)!;
    expect(last).toMatchObject({ trigger: 'retry', decision: 'delivered', response_status: 200 });
    // Retries that reach FullStory while the slow first request still runs get 409 and are retried again;
    // the one that delivers is FullStory replaying the first request's stored answer.
    for (const a of attempts.slice(1, -1)) {
      expect(a).toMatchObject({ decision: 'retry_scheduled', response_status: 409, error_class: 'http_4xx' });
    }
    expect(last.response_headers['idempotent-replayed']).toBe('true');
    const requests = await fake.requests({ path: '/v2/events' });
    expect(new Set(requests.map((r) => header(r, 'idempotency-key'))).size).toBe(1);
    // The slow first request and its retry carry the same key: FullStory stores the event once.
    expect(await fake.events()).toHaveLength(1);
  });

  it('gives up at the destination attempt cap and leaves the job in the failed set', async () => {
    const seeded = await seedSourceAndDestination(env.DATABASE_URL, env.SECRETS_KEY, {
      settings: { maxAttempts: 3 },
    });
    await fake.fault({ match: { method: 'POST', path: '/v2/events' }, status: 503 });
    await track(seeded);

    const [delivery] = await waitForDeliveries(env, seeded.destinationId, 1, ['failed']);
    const attempts = await attemptsOf(env, delivery.id);
    expect(attempts.map((a) => [a.attempt_number, a.decision])).toEqual([
      [1, 'retry_scheduled'],
      [2, 'retry_scheduled'],
      [3, 'failed_permanently'],
    ]);
    expect(attempts[2].error_message).toContain('gave up: attempt cap reached');
    await waitFor('the job in the failed set', async () =>
      (await failedJobIds(seeded.destinationId)).includes(`d${delivery.id}`),
    );
    const sent = await afterSentinel(seeded, '/v2/events');
    expect(sent.map((r) => r.status)).toEqual([503, 503, 503]);
  });

  it('does not re-send a subscription that failed permanently while another one of the event is retried', async () => {
    // Two subscriptions for one event: the Track Event preset (v2) and a v1 trackEvent for a user
    // FullStory has never identified (404, permanent).
    const seeded = await seedSourceAndDestination(env.DATABASE_URL, env.SECRETS_KEY);
    const mappingId = await addMapping(env.DATABASE_URL, seeded.destinationId, {
      name: 'v1 track',
      trigger: 'type = "track"',
      action: 'trackEvent',
      mapping: { userId: { '@path': '$.userId' }, name: { '@path': '$.event' } },
    });
    await fake.fault({ match: { method: 'POST', path: '/v2/events' }, status: 500, times: 1 });
    await track(seeded);

    const [delivery] = await waitForDeliveries(env, seeded.destinationId, 1, ['failed']);
    await waitFor('the job in the failed set', async () =>
      (await failedJobIds(seeded.destinationId)).includes(`d${delivery.id}`),
    );
    const v1 = await afterSentinel(seeded, '/users/v1/*');
    expect(v1.map((r) => r.status)).toEqual([404]);
    const v2 = (await fake.requests({ path: '/v2/events' })).filter((r) => !isSentinel(r));
    expect(v2.map((r) => r.status)).toEqual([500, 200]);
    const attempts = await attemptsOf(env, delivery.id);
    const rows = attempts.map((a) => [a.attempt_number, a.subscription_id, a.decision, a.response_status]);
    expect(rows).toHaveLength(3);
    expect(rows).toEqual(
      expect.arrayContaining([
        [1, mappingId, 'failed_permanently', 404],
        [1, 'preset:trackEvent', 'retry_scheduled', 500],
        [2, 'preset:trackEvent', 'delivered', 200],
      ]),
    );
    expect(delivery.last_error).toContain('user not identified in FullStory yet');
    expect(await stateChangesOf(env, delivery.id)).toEqual([
      { from: 'pending', to: 'retrying' },
      { from: 'retrying', to: 'failed' },
    ]);
  });
});
