/**
 * Consumer contract of the delivery worker against FullStory (played by apps/fake-fullstory).
 * Every interaction is driven through the real FullStoryClient and checked with classifyResponse,
 * exactly as the worker uses them. Regenerates pacts/delivery-worker-fake-fullstory.json.
 */
import { MatchersV3, PactV3, V3MockServer } from '@pact-foundation/pact';
import { existsSync, unlinkSync } from 'node:fs';
import { classifyResponse } from '../classify';
import { FullStoryClient, FullStoryRequest } from '../client';
import {
  BAD_KEY,
  CONSUMER,
  destinationHeaders,
  IDENTIFIED_UID,
  PACT_DIR,
  PACT_FILE,
  PROVIDER,
  STATES,
  UNIDENTIFIED_UID,
} from './contract';

const { like, regex } = MatchersV3;

/** Error envelope: `code` exact, message any string. */
const v2Error = (code: string) => ({ message: like('some message'), code });

const TIMESTAMP = '2022-02-02T03:04:05.000Z';
const EVENT_BODY = {
  name: 'test-event',
  properties: { firstproperty: 'first-value', second_property: 'second_value', thirdProperty: 'thirdValue' },
  user: { uid: IDENTIFIED_UID },
  timestamp: TIMESTAMP,
};
const USER_BODY = {
  uid: IDENTIFIED_UID,
  email: 'fake+email@example.com',
  display_name: 'fake-display-name',
  properties: {
    email: 'fake+email@example.com',
    name: 'fake-display-name',
    originallyhyphenated: 'some string',
    typeSuffixed_bool: true,
    segmentAnonymousId: 'fake-anonymous-id',
  },
};
const CUSTOMEVENT_BODY = {
  event: {
    event_name: 'test-event',
    event_data: { firstproperty_str: 'first-value', second_property_str: 'second_value' },
    timestamp: TIMESTAMP,
    use_recent_session: true,
  },
};
const CUSTOMVARS_BODY = {
  email_str: 'fake+email@example.com',
  name_str: 'fake-display-name',
  segmentAnonymousId_str: 'fake-anonymous-id',
  email: 'fake+email@example.com',
  displayName: 'fake-display-name',
};
const ENCODED_UID = encodeURIComponent(IDENTIFIED_UID);

describe('FullStory consumer contract (delivery-worker → fake-fullstory)', () => {
  const client = new FullStoryClient({ timeoutMs: 5000 });

  beforeAll(() => {
    // Start from an empty file so interactions removed from this test do not linger in the committed pact.
    if (existsSync(PACT_FILE)) unlinkSync(PACT_FILE);
  });
  afterAll(() => client.close());

  const newPact = () => new PactV3({ consumer: CONSUMER, provider: PROVIDER, dir: PACT_DIR, logLevel: 'warn' });

  const send = (server: V3MockServer, req: Omit<FullStoryRequest, 'url'> & { path: string }, idempotencyKey?: string) =>
    client.send(
      { method: req.method, url: `${server.url}${req.path}`, headers: req.headers, body: req.body },
      idempotencyKey === undefined ? {} : { idempotencyKey },
    );

  it('GET /me with a valid key', async () => {
    const pact = newPact()
      .given(STATES.adminKey)
      .uponReceiving('a key check (testAuthentication)')
      .withRequest({ method: 'GET', path: '/me', headers: destinationHeaders() })
      .willRespondWith({
        status: 200,
        headers: { 'Content-Type': regex('application/json.*', 'application/json; charset=utf-8') },
        body: { email: like('admin@example.com'), orgId: like('o-ABC-na1'), role: 'ADMIN' },
      });
    await pact.executeTest(async (server) => {
      const res = await send(server, { method: 'GET', path: '/me', headers: destinationHeaders() });
      expect(res.status).toBe(200);
      expect(classifyResponse(res)).toEqual({ outcome: 'success' });
      expect(JSON.parse(res.body)).toMatchObject({ role: 'ADMIN' });
    });
  });

  it('GET /me with an unknown key → 401', async () => {
    const pact = newPact()
      .given(STATES.badKey)
      .uponReceiving('a key check with an unknown key')
      .withRequest({ method: 'GET', path: '/me', headers: destinationHeaders(BAD_KEY) })
      .willRespondWith({ status: 401, body: v2Error('unauthorized') });
    await pact.executeTest(async (server) => {
      const res = await send(server, { method: 'GET', path: '/me', headers: destinationHeaders(BAD_KEY) });
      expect(res.status).toBe(401);
      expect(res.statusText).toBe('Unauthorized');
      expect(classifyResponse(res)).toMatchObject({ outcome: 'permanent', errorClass: 'http_4xx' });
    });
  });

  it('POST /v2/events (trackEventV2) without Idempotency-Key', async () => {
    const pact = newPact()
      .given(STATES.adminKey)
      .uponReceiving('a v2 event')
      .withRequest({ method: 'POST', path: '/v2/events', headers: destinationHeaders(), body: EVENT_BODY })
      .willRespondWith({ status: 200, body: {} });
    await pact.executeTest(async (server) => {
      const res = await send(server, {
        method: 'POST',
        path: '/v2/events',
        headers: destinationHeaders(),
        body: EVENT_BODY,
      });
      expect(res.status).toBe(200);
      expect(JSON.parse(res.body)).toEqual({});
      expect(classifyResponse(res).outcome).toBe('success');
    });
  });

  it('POST /v2/events with Idempotency-Key', async () => {
    const headers = {
      ...destinationHeaders(),
      'Idempotency-Key': regex('^[A-Za-z0-9:_-]{1,255}$', 'evt-7f3a:trackEventV2'),
    };
    const body = { name: 'Order Completed', properties: { total: 42.5 } };
    const pact = newPact()
      .given(STATES.adminKey)
      .uponReceiving('a v2 event with an idempotency key')
      .withRequest({ method: 'POST', path: '/v2/events', headers, body })
      .willRespondWith({ status: 200, body: {} });
    await pact.executeTest(async (server) => {
      const res = await send(
        server,
        { method: 'POST', path: '/v2/events', headers: destinationHeaders(), body },
        'evt-7f3a:trackEventV2',
      );
      expect(res.status).toBe(200);
    });
  });

  it('POST /v2/users (identifyUserV2)', async () => {
    const pact = newPact()
      .given(STATES.adminKey)
      .uponReceiving('a v2 user upsert')
      .withRequest({ method: 'POST', path: '/v2/users', headers: destinationHeaders(), body: USER_BODY })
      .willRespondWith({ status: 200, body: { id: like('1000000000001') } });
    await pact.executeTest(async (server) => {
      const res = await send(server, {
        method: 'POST',
        path: '/v2/users',
        headers: destinationHeaders(),
        body: USER_BODY,
      });
      expect(res.status).toBe(200);
      expect(typeof (JSON.parse(res.body) as { id: unknown }).id).toBe('string');
    });
  });

  it('POST v1 customevent (trackEvent) for an identified user', async () => {
    const path = `/users/v1/individual/${ENCODED_UID}/customevent`;
    const pact = newPact()
      .given(STATES.identified)
      .uponReceiving('a v1 custom event for an identified user')
      .withRequest({
        method: 'POST',
        path,
        query: { integration: 'segment' },
        headers: destinationHeaders(),
        body: CUSTOMEVENT_BODY,
      })
      .willRespondWith({ status: 200, body: {} });
    await pact.executeTest(async (server) => {
      const res = await send(server, {
        method: 'POST',
        path: `${path}?integration=segment`,
        headers: destinationHeaders(),
        body: CUSTOMEVENT_BODY,
      });
      expect(res.status).toBe(200);
    });
  });

  it('POST v1 customvars (identifyUser) for an identified user', async () => {
    const path = `/users/v1/individual/${ENCODED_UID}/customvars`;
    const pact = newPact()
      .given(STATES.identified)
      .uponReceiving('v1 custom vars for an identified user')
      .withRequest({
        method: 'POST',
        path,
        query: { integration: 'segment' },
        headers: destinationHeaders(),
        body: CUSTOMVARS_BODY,
      })
      .willRespondWith({ status: 200, body: {} });
    await pact.executeTest(async (server) => {
      const res = await send(server, {
        method: 'POST',
        path: `${path}?integration=segment`,
        headers: destinationHeaders(),
        body: CUSTOMVARS_BODY,
      });
      expect(res.status).toBe(200);
    });
  });

  it('POST v1 customevent for a user never identified → 404', async () => {
    const path = `/users/v1/individual/${UNIDENTIFIED_UID}/customevent`;
    const body = { event: { event_name: 'test-event', event_data: {} } };
    const pact = newPact()
      .given(STATES.notIdentified)
      .uponReceiving('a v1 custom event for a user never identified')
      .withRequest({ method: 'POST', path, query: { integration: 'segment' }, headers: destinationHeaders(), body })
      .willRespondWith({ status: 404, body: v2Error('resource_not_found') });
    await pact.executeTest(async (server) => {
      const res = await send(server, {
        method: 'POST',
        path: `${path}?integration=segment`,
        headers: destinationHeaders(),
        body,
      });
      expect(res.status).toBe(404);
      expect(classifyResponse(res, { url: `${server.url}${path}?integration=segment` })).toEqual({
        outcome: 'permanent',
        errorClass: 'http_4xx',
        reason: 'user not identified in FullStory yet',
      });
    });
  });

  it('DELETE /v2/users?uid= (onDelete)', async () => {
    const pact = newPact()
      .given(STATES.identified)
      .uponReceiving('a GDPR user deletion by uid')
      .withRequest({
        method: 'DELETE',
        path: '/v2/users',
        query: { uid: IDENTIFIED_UID },
        headers: destinationHeaders(),
      })
      .willRespondWith({ status: 200, body: {} });
    await pact.executeTest(async (server) => {
      const res = await send(server, {
        method: 'DELETE',
        path: `/v2/users?uid=${ENCODED_UID}`,
        headers: destinationHeaders(),
      });
      expect(res.status).toBe(200);
    });
  });

  it('429 with Retry-After when the rate limit is exceeded', async () => {
    const body = { name: 'rate-limited-event', properties: {} };
    const pact = newPact()
      .given(STATES.rateLimited)
      .uponReceiving('a v2 event over the rate limit')
      .withRequest({ method: 'POST', path: '/v2/events', headers: destinationHeaders(), body })
      .willRespondWith({
        status: 429,
        headers: { 'Retry-After': regex('^\\d+$', '7') },
        body: v2Error('too_many_requests'),
      });
    await pact.executeTest(async (server) => {
      const res = await send(server, { method: 'POST', path: '/v2/events', headers: destinationHeaders(), body });
      expect(res.status).toBe(429);
      expect(classifyResponse(res)).toEqual({
        outcome: 'retry',
        errorClass: 'rate_limited',
        reason: 'HTTP 429 Too Many Requests',
        retryAfterMs: 7000,
      });
    });
  });

  it('500 when FullStory is failing', async () => {
    const body = { name: 'failing-event', properties: {} };
    const pact = newPact()
      .given(STATES.failing)
      .uponReceiving('a v2 event while FullStory is failing')
      .withRequest({ method: 'POST', path: '/v2/events', headers: destinationHeaders(), body })
      .willRespondWith({ status: 500, body: v2Error('server_error') });
    await pact.executeTest(async (server) => {
      const res = await send(server, { method: 'POST', path: '/v2/events', headers: destinationHeaders(), body });
      expect(res.status).toBe(500);
      expect(classifyResponse(res)).toMatchObject({ outcome: 'retry', errorClass: 'http_5xx' });
    });
  });
});
