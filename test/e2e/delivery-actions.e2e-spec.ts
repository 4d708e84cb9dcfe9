import { randomUUID } from 'crypto';
import { RunningApp, StackEnv, basicAuth, dropDatabase, postJson, stackEnv, startApp, withDb } from '../support/stack';
import { SeededPair, addMapping, seedSourceAndDestination } from '../support/seed';
import {
  CapturedRequest,
  FakeFullStory,
  attemptsOf,
  dropQueues,
  enqueueDelivery,
  header,
  redactedAuthorization,
  stateChangesOf,
  waitForDeliveries,
} from '../support/delivery';

/**
 * Issue 5: every action and both presets deliver exactly the request of the reference cases
 * (fullstory-destination.md §9.1) through the real ingest-api, BullMQ, delivery-worker and fake FullStory.
 */
describe('delivery of each action and preset', () => {
  let env: StackEnv;
  const apps: RunningApp[] = [];
  let ingest: string;
  let fake: FakeFullStory;

  const NO_PRESETS = { trackEvent: false, identifyUser: false };
  const TRACK_DEFAULTS = {
    userId: { '@path': '$.userId' },
    name: { '@path': '$.event' },
    properties: { '@path': '$.properties' },
    timestamp: { '@path': '$.timestamp' },
  };
  const SESSION_OVERRIDES = {
    useRecentSession: { '@path': '$.properties.useRecentSession' },
    sessionUrl: { '@path': '$.properties.sessionUrl' },
  };
  const IDENTIFY_V1_DEFAULTS = {
    userId: { '@path': '$.userId' },
    anonymousId: { '@path': '$.anonymousId' },
    displayName: { '@path': '$.traits.name' },
    email: { '@path': '$.traits.email' },
    traits: { '@path': '$.traits' },
  };

  beforeAll(async () => {
    env = stackEnv('delivery_actions');
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

  async function destination(
    presets: { trackEvent: boolean; identifyUser: boolean },
    mapping?: { trigger: string; action: string; mapping: Record<string, unknown> },
  ): Promise<SeededPair & { mappingId?: string }> {
    const seeded = await seedSourceAndDestination(env.DATABASE_URL, env.SECRETS_KEY, { presets });
    if (!mapping) return seeded;
    const mappingId = await addMapping(env.DATABASE_URL, seeded.destinationId, { name: 'e2e mapping', ...mapping });
    return { ...seeded, mappingId };
  }

  async function send(seeded: SeededPair, type: 'track' | 'identify', event: Record<string, unknown>) {
    const res = await postJson(
      `${ingest}/v1/${type}`,
      { messageId: `msg-${randomUUID()}`, ...event },
      { Authorization: basicAuth(seeded.writeKey) },
    );
    expect(res).toMatchObject({ status: 200, body: { success: true } });
  }

  /**
   * Once the delivery has settled (delivered, or failed permanently), nothing else of it can follow: no
   * other subscription, no retry. By then the fake has exactly one request, answered.
   */
  async function theOnlyRequest(seeded: SeededPair): Promise<CapturedRequest> {
    await waitForDeliveries(env, seeded.destinationId, 1, ['delivered', 'failed']);
    const captured = await fake.requests();
    expect(captured).toHaveLength(1);
    expect(captured[0].status).not.toBeNull();
    return captured[0];
  }

  function expectStandardHeaders(req: CapturedRequest, idempotent: boolean) {
    expect(header(req, 'authorization')).toBe(redactedAuthorization('Basic test-api-key'));
    expect(header(req, 'content-type')).toBe('application/json');
    expect(header(req, 'integration-source')).toBe('segment');
    expect(header(req, 'idempotency-key')).toEqual(idempotent ? expect.stringMatching(/^[0-9a-f]{64}$/) : undefined);
  }

  /**
   * The delivery ended with one audited attempt that recorded exactly what the fake received:
   * delivered, or (rejected: 400) failed permanently.
   */
  async function expectDeliveredAudit(
    seeded: SeededPair,
    req: CapturedRequest,
    expected: { action: string; subscriptionId: string; url: string; rejected?: boolean },
  ) {
    const status = expected.rejected ? 'failed' : 'delivered';
    const [delivery] = await waitForDeliveries(env, seeded.destinationId, 1, [status]);
    expect(delivery.attempts).toBe(1);
    const attempts = await attemptsOf(env, delivery.id);
    expect(attempts).toHaveLength(1);
    expect(attempts[0]).toMatchObject({
      attempt_number: 1,
      trigger: 'auto',
      action: expected.action,
      subscription_id: expected.subscriptionId,
      request_method: req.method,
      request_url: expected.url,
      response_status: req.status,
      retry_at: null,
      ...(expected.rejected
        ? { decision: 'failed_permanently', error_class: 'http_4xx', error_message: 'HTTP 400 Bad Request' }
        : { decision: 'delivered', error_class: null, error_message: null }),
    });
    const headers = attempts[0].request_headers as Record<string, string>;
    expect(headers.Authorization).toBe('Basic [redacted]');
    expect(headers['Idempotency-Key']).toBe(header(req, 'idempotency-key'));
    expect(JSON.stringify(attempts[0])).not.toContain('test-api-key');
    // request_body is json (not jsonb): the audit keeps the key order that went on the wire.
    expect(JSON.stringify(attempts[0].request_body)).toBe(JSON.stringify(req.body));
    expect(await stateChangesOf(env, delivery.id)).toEqual([{ from: 'pending', to: status }]);
  }

  it('FS-2: trackEvent (v1) with useRecentSession and sessionUrl mapped', async () => {
    const seeded = await destination(NO_PRESETS, {
      trigger: 'type = "track"',
      action: 'trackEvent',
      mapping: { ...TRACK_DEFAULTS, ...SESSION_OVERRIDES },
    });
    await fake.identifiedUser('fake/user/id');
    await send(seeded, 'track', {
      userId: 'fake/user/id',
      event: 'test-event',
      timestamp: '2022-02-02T03:04:05.000Z',
      properties: {
        'first-property': 'first-value',
        second_property: 'second_value',
        thirdProperty: 'thirdValue',
        useRecentSession: true,
        sessionUrl: 'session-url',
      },
    });
    const req = await theOnlyRequest(seeded);
    expect(req.method).toBe('POST');
    expect(req.path).toBe('/users/v1/individual/fake%2Fuser%2Fid/customevent');
    expect(req.query).toEqual({ integration: 'segment' });
    expectStandardHeaders(req, false);
    // FullStory accepts only one of session_url / use_recent_session (the fake answers 400, as documented);
    // the reference sends both, so the request is what is asserted here.
    expect(req.status).toBe(400);
    expect(JSON.stringify(req.body)).toBe(
      JSON.stringify({
        event: {
          event_name: 'test-event',
          event_data: {
            firstproperty_str: 'first-value',
            second_property_str: 'second_value',
            thirdProperty_str: 'thirdValue',
            useRecentSession_bool: true,
            sessionUrl_str: 'session-url',
          },
          timestamp: '2022-02-02T03:04:05.000Z',
          use_recent_session: true,
          session_url: 'session-url',
        },
      }),
    );
    await expectDeliveredAudit(seeded, req, {
      action: 'trackEvent',
      subscriptionId: seeded.mappingId!,
      url: `${env.FULLSTORY_BASE_URL}/users/v1/individual/fake%2Fuser%2Fid/customevent?integration=segment`,
      rejected: true,
    });
  });

  it('FS-3: trackEvent (v1) with the default mapping is delivered', async () => {
    const seeded = await destination(NO_PRESETS, {
      trigger: 'type = "track"',
      action: 'trackEvent',
      mapping: TRACK_DEFAULTS,
    });
    await fake.identifiedUser('fake/user/id');
    await send(seeded, 'track', {
      userId: 'fake/user/id',
      event: 'test-event',
      properties: {},
      timestamp: '2022-02-02T05:04:05+02:00',
    });
    const req = await theOnlyRequest(seeded);
    expect(req.method).toBe('POST');
    expect(req.path).toBe('/users/v1/individual/fake%2Fuser%2Fid/customevent');
    expect(req.query).toEqual({ integration: 'segment' });
    expectStandardHeaders(req, false);
    expect(req.status).toBe(200);
    expect(JSON.stringify(req.body)).toBe(
      JSON.stringify({ event: { event_name: 'test-event', event_data: {}, timestamp: '2022-02-02T03:04:05.000Z' } }),
    );
    await expectDeliveredAudit(seeded, req, {
      action: 'trackEvent',
      subscriptionId: seeded.mappingId!,
      url: `${env.FULLSTORY_BASE_URL}/users/v1/individual/fake%2Fuser%2Fid/customevent?integration=segment`,
    });
  });

  it('FS-4: identifyUser (v1) of a user FullStory has identified', async () => {
    const seeded = await destination(NO_PRESETS, {
      trigger: 'type = "identify"',
      action: 'identifyUser',
      mapping: IDENTIFY_V1_DEFAULTS,
    });
    await fake.identifiedUser('fake/user/id');
    await send(seeded, 'identify', {
      userId: 'fake/user/id',
      anonymousId: 'fake-anonymous-id',
      traits: {
        email: 'fake+email@example.com',
        name: 'fake-display-name',
        'originally-hyphenated': 'some string',
        'originally spaced': true,
        typeSuffixed_bool: true,
        'originally.dotted': 1.23,
      },
    });
    const req = await theOnlyRequest(seeded);
    expect(req.method).toBe('POST');
    expect(req.path).toBe('/users/v1/individual/fake%2Fuser%2Fid/customvars');
    expect(req.query).toEqual({ integration: 'segment' });
    expectStandardHeaders(req, false);
    expect(req.status).toBe(200);
    expect(JSON.stringify(req.body)).toBe(
      JSON.stringify({
        email_str: 'fake+email@example.com',
        name_str: 'fake-display-name',
        originallyHyphenated_str: 'some string',
        originallySpaced_bool: true,
        typeSuffixed_bool: true,
        originallyDotted_real: 1.23,
        segmentAnonymousId_str: 'fake-anonymous-id',
        email: 'fake+email@example.com',
        displayName: 'fake-display-name',
      }),
    );
    await expectDeliveredAudit(seeded, req, {
      action: 'identifyUser',
      subscriptionId: seeded.mappingId!,
      url: `${env.FULLSTORY_BASE_URL}/users/v1/individual/fake%2Fuser%2Fid/customvars?integration=segment`,
    });
  });

  it('FS-9: the Identify User preset (identifyUserV2)', async () => {
    const seeded = await destination({ trackEvent: true, identifyUser: true });
    await send(seeded, 'identify', {
      userId: 'fake/user/id',
      anonymousId: 'fake-anonymous-id',
      traits: {
        email: 'fake+email@example.com',
        name: 'fake-display-name',
        'originally-hyphenated': 'some string',
        'originally spaced': true,
        'originally.dotted': 1.23,
        typeSuffixed_bool: true,
      },
    });
    const req = await theOnlyRequest(seeded);
    expect(req.method).toBe('POST');
    expect(req.path).toBe('/v2/users');
    expect(req.query).toEqual({});
    expectStandardHeaders(req, true);
    expect(req.status).toBe(200);
    expect(JSON.stringify(req.body)).toBe(
      JSON.stringify({
        uid: 'fake/user/id',
        email: 'fake+email@example.com',
        display_name: 'fake-display-name',
        properties: {
          email: 'fake+email@example.com',
          name: 'fake-display-name',
          originallyhyphenated: 'some string',
          originallyspaced: true,
          originallydotted: 1.23,
          typeSuffixed_bool: true,
          segmentAnonymousId: 'fake-anonymous-id',
        },
      }),
    );
    await expectDeliveredAudit(seeded, req, {
      action: 'identifyUserV2',
      subscriptionId: 'preset:identifyUser',
      url: `${env.FULLSTORY_BASE_URL}/v2/users`,
    });
  });

  it('FS-10: trackEventV2 with session overrides sends both user and session.id', async () => {
    // FullStory documents a 400 for session.id together with user; the reference sends both anyway.
    await fake.config({ enforceSessionUserExclusive: false });
    const seeded = await destination(NO_PRESETS, {
      trigger: 'type = "track"',
      action: 'trackEventV2',
      mapping: { ...TRACK_DEFAULTS, ...SESSION_OVERRIDES },
    });
    await send(seeded, 'track', {
      userId: 'fake/user/id',
      event: 'test-event',
      timestamp: '2022-02-02T03:04:05.000Z',
      properties: {
        'first-property': 'first-value',
        second_property: 'second_value',
        thirdProperty: 'thirdValue',
        useRecentSession: true,
        sessionUrl: 'session/url/12345%3A678',
      },
    });
    const req = await theOnlyRequest(seeded);
    expect(req.method).toBe('POST');
    expect(req.path).toBe('/v2/events');
    expect(req.query).toEqual({});
    expectStandardHeaders(req, true);
    expect(req.status).toBe(200);
    expect(JSON.stringify(req.body)).toBe(
      JSON.stringify({
        name: 'test-event',
        properties: {
          firstproperty: 'first-value',
          second_property: 'second_value',
          thirdProperty: 'thirdValue',
          useRecentSession: true,
          sessionUrl: 'session/url/12345%3A678',
        },
        user: { uid: 'fake/user/id' },
        timestamp: '2022-02-02T03:04:05.000Z',
        session: { id: '12345:678', use_most_recent: true },
      }),
    );
    await expectDeliveredAudit(seeded, req, {
      action: 'trackEventV2',
      subscriptionId: seeded.mappingId!,
      url: `${env.FULLSTORY_BASE_URL}/v2/events`,
    });
  });

  it('FS-11: the Track Event preset (trackEventV2) with empty properties', async () => {
    const seeded = await destination({ trackEvent: true, identifyUser: true });
    // No timestamp and no sentAt: ingest stamps the event, and the preset maps $.timestamp.
    await send(seeded, 'track', { userId: 'fake/user/id', event: 'test-event', properties: {} });
    const req = await theOnlyRequest(seeded);
    const stamped = await withDb(
      env.DATABASE_URL,
      async (db) =>
        (
          await db.query<{ ts: string }>(
            `SELECT e.payload->>'timestamp' AS ts FROM events e JOIN deliveries d ON d.event_id = e.id
              WHERE d.destination_id = $1`,
            [seeded.destinationId],
          )
        ).rows[0].ts,
    );
    expect(req.method).toBe('POST');
    expect(req.path).toBe('/v2/events');
    expect(req.query).toEqual({});
    expectStandardHeaders(req, true);
    expect(JSON.stringify(req.body)).toBe(
      JSON.stringify({
        name: 'test-event',
        properties: {},
        user: { uid: 'fake/user/id' },
        timestamp: new Date(stamped).toISOString(),
      }),
    );
    await expectDeliveredAudit(seeded, req, {
      action: 'trackEventV2',
      subscriptionId: 'preset:trackEvent',
      url: `${env.FULLSTORY_BASE_URL}/v2/events`,
    });
  });

  async function deletion(seeded: SeededPair, userId: string): Promise<string> {
    const id = await withDb(
      env.DATABASE_URL,
      async (db) =>
        (
          await db.query<{ id: string }>(
            `INSERT INTO deliveries (destination_id, kind, deletion_user_id, event_id) VALUES ($1, 'deletion', $2, NULL)
             RETURNING id::text`,
            [seeded.destinationId, userId],
          )
        ).rows[0].id,
    );
    await enqueueDelivery(env, seeded.destinationId, id);
    return id;
  }

  it('FS-5: a user deletion is DELETE /v2/users?uid=<encoded> without a body', async () => {
    const seeded = await destination({ trackEvent: true, identifyUser: true });
    const deliveryId = await deletion(seeded, 'fake/user/id');
    const req = await theOnlyRequest(seeded);
    expect(req.method).toBe('DELETE');
    expect(req.path).toBe('/v2/users');
    expect(req.query).toEqual({ uid: 'fake/user/id' });
    expectStandardHeaders(req, false);
    expect(req.body).toBeNull();
    expect(header(req, 'content-length') ?? '0').toBe('0');
    expect(req.status).toBe(200);
    await expectDeliveredAudit(seeded, req, {
      action: 'onDelete',
      subscriptionId: 'onDelete',
      url: `${env.FULLSTORY_BASE_URL}/v2/users?uid=fake%2Fuser%2Fid`,
    });
    expect((await attemptsOf(env, deliveryId))[0].request_body).toBeNull();
  });

  it('FS-6: a deletion without a user id fails permanently without a request', async () => {
    const seeded = await destination({ trackEvent: true, identifyUser: true });
    const deliveryId = await deletion(seeded, '');
    const [delivery] = await waitForDeliveries(env, seeded.destinationId, 1, ['failed']);
    expect(delivery.last_error).toBe('User Id is required for user deletion.');
    const attempts = await attemptsOf(env, deliveryId);
    expect(attempts).toHaveLength(1);
    expect(attempts[0]).toMatchObject({
      decision: 'failed_permanently',
      error_class: 'validation',
      error_message: 'User Id is required for user deletion.',
      request_method: null,
      response_status: null,
    });
    expect(await fake.requests()).toEqual([]);
  });
});
