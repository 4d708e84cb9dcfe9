/**
 * Consumer contract of the delivery worker against FullStory (played by apps/fake-fullstory).
 * Every request is the mapping engine's output for a reference case (reference-cases.ts), sent through the
 * real FullStoryClient and checked with classifyResponse, as the worker does. Writes the pact into this run's
 * directory (contract.ts freshPactDir); committed-pact.pact.spec.ts compares it with the committed file.
 */
import { MatchersV3 } from '@pact-foundation/pact';
import { classifyResponse } from '../classify';
import { FullStoryClient } from '../client';
import { interaction, sendVia, v2Error } from './consumer-support';
import { executeSettled } from './settled-execution';
import { BAD_KEY, STANDARD_KEY, STATES } from './contract';
import { referenceRequests, stableIdempotencyKey } from './reference-cases';

const { like, regex } = MatchersV3;

describe('FullStory consumer contract (delivery-worker → fake-fullstory)', () => {
  // One client (one keep-alive pool) per interaction: each mock server gets a new port, and a pooled
  // connection to an earlier server on a reused port would send the request to the wrong interaction.
  let client: FullStoryClient;
  beforeEach(() => {
    client = new FullStoryClient({ timeoutMs: 5000 });
  });
  afterEach(() => client.close());

  it('GET /me with a valid key', async () => {
    const request = referenceRequests.me();
    const pact = interaction({
      state: STATES.adminKey,
      description: 'a key check (testAuthentication)',
      request,
      response: {
        status: 200,
        headers: { 'Content-Type': regex('application/json.*', 'application/json; charset=utf-8') },
        body: { email: like('admin@example.com'), orgId: like('o-ABC-na1'), role: 'ADMIN' },
      },
    });
    await executeSettled(pact, async (server) => {
      const res = await sendVia(client, server, request);
      expect(res.status).toBe(200);
      expect(classifyResponse(res)).toEqual({ outcome: 'success' });
      expect(JSON.parse(res.body)).toMatchObject({ role: 'ADMIN' });
    });
  });

  it('GET /me with an unknown key → 401', async () => {
    const request = referenceRequests.me(BAD_KEY);
    const pact = interaction({
      state: STATES.badKey,
      description: 'a key check with an unknown key',
      request,
      response: { status: 401, body: v2Error('unauthorized') },
    });
    await executeSettled(pact, async (server) => {
      const res = await sendVia(client, server, request);
      expect(res.status).toBe(401);
      expect(res.statusText).toBe('Unauthorized');
      expect(classifyResponse(res)).toMatchObject({ outcome: 'permanent', errorClass: 'http_4xx' });
    });
  });

  it('POST /v2/events (Track Event preset) with Idempotency-Key', async () => {
    const request = referenceRequests.trackEventV2();
    const key = stableIdempotencyKey('v2 event', request.prepared);
    const pact = interaction({
      state: STATES.adminKey,
      description: 'a v2 event',
      request,
      idempotencyKey: key,
      response: { status: 200, body: {} },
    });
    await executeSettled(pact, async (server) => {
      const res = await sendVia(client, server, request, key);
      expect(res.status).toBe(200);
      expect(JSON.parse(res.body)).toEqual({});
      expect(classifyResponse(res)).toEqual({ outcome: 'success' });
    });
  });

  it('POST /v2/events with an unknown key → 401', async () => {
    const request = referenceRequests.trackEventV2Minimal(BAD_KEY);
    const key = stableIdempotencyKey('v2 event, unknown key', request.prepared);
    const pact = interaction({
      state: STATES.badKey,
      description: 'a v2 event with an unknown key',
      request,
      idempotencyKey: key,
      response: { status: 401, body: v2Error('unauthorized') },
    });
    await executeSettled(pact, async (server) => {
      const res = await sendVia(client, server, request, key);
      expect(res.status).toBe(401);
      expect(classifyResponse(res)).toEqual({
        outcome: 'permanent',
        errorClass: 'http_4xx',
        reason: 'HTTP 401 Unauthorized',
      });
    });
  });

  it('POST /v2/users (Identify User preset) with Idempotency-Key', async () => {
    const request = referenceRequests.identifyUserV2();
    const key = stableIdempotencyKey('v2 user upsert', request.prepared);
    const pact = interaction({
      state: STATES.adminKey,
      description: 'a v2 user upsert',
      request,
      idempotencyKey: key,
      response: { status: 200, body: { id: like('1000000000001') } },
    });
    await executeSettled(pact, async (server) => {
      const res = await sendVia(client, server, request, key);
      expect(res.status).toBe(200);
      expect(typeof (JSON.parse(res.body) as { id: unknown }).id).toBe('string');
      expect(classifyResponse(res)).toEqual({ outcome: 'success' });
    });
  });

  it('POST v1 customevent (trackEvent) for an identified user', async () => {
    const request = referenceRequests.trackEvent();
    const pact = interaction({
      state: STATES.identified,
      description: 'a v1 custom event for an identified user',
      request,
      response: { status: 200, body: {} },
    });
    await executeSettled(pact, async (server) => {
      const res = await sendVia(client, server, request);
      expect(res.status).toBe(200);
      expect(classifyResponse(res)).toEqual({ outcome: 'success' });
    });
  });

  it('POST v1 customvars (identifyUser) for an identified user', async () => {
    const request = referenceRequests.identifyUser();
    const pact = interaction({
      state: STATES.identified,
      description: 'v1 custom vars for an identified user',
      request,
      response: { status: 200, body: {} },
    });
    await executeSettled(pact, async (server) => {
      const res = await sendVia(client, server, request);
      expect(res.status).toBe(200);
      expect(classifyResponse(res)).toEqual({ outcome: 'success' });
    });
  });

  it('POST v1 customevent for a user never identified → 404', async () => {
    const request = referenceRequests.trackEventMinimal();
    const pact = interaction({
      state: STATES.notIdentified,
      description: 'a v1 custom event for a user never identified',
      request,
      response: { status: 404, body: v2Error('resource_not_found') },
    });
    await executeSettled(pact, async (server) => {
      const res = await sendVia(client, server, request);
      expect(res.status).toBe(404);
      expect(classifyResponse(res, { url: request.prepared.url })).toEqual({
        outcome: 'permanent',
        errorClass: 'http_4xx',
        reason: 'user not identified in FullStory yet',
      });
    });
  });

  it('DELETE /v2/users?uid= (onDelete) with an admin key', async () => {
    const request = referenceRequests.deleteUser();
    const pact = interaction({
      state: STATES.identified,
      description: 'a GDPR user deletion by uid',
      request,
      response: { status: 200, body: {} },
    });
    await executeSettled(pact, async (server) => {
      const res = await sendVia(client, server, request);
      expect(res.status).toBe(200);
      expect(classifyResponse(res)).toEqual({ outcome: 'success' });
    });
  });

  it('DELETE /v2/users?uid= with a standard key → 403', async () => {
    const request = referenceRequests.deleteUser(STANDARD_KEY);
    const pact = interaction({
      state: STATES.standardKey,
      description: 'a GDPR user deletion with a standard key',
      request,
      response: { status: 403, body: v2Error('forbidden') },
    });
    await executeSettled(pact, async (server) => {
      const res = await sendVia(client, server, request);
      expect(res.status).toBe(403);
      expect(classifyResponse(res)).toEqual({
        outcome: 'permanent',
        errorClass: 'http_4xx',
        reason: 'HTTP 403 Forbidden',
      });
    });
  });

  it('POST /v2/events over the rate limit → 429 with Retry-After', async () => {
    const request = referenceRequests.trackEventV2Minimal();
    const key = stableIdempotencyKey('v2 event, rate limited', request.prepared);
    const pact = interaction({
      state: STATES.rateLimited,
      description: 'a v2 event over the rate limit',
      request,
      idempotencyKey: key,
      response: {
        status: 429,
        headers: { 'Retry-After': regex('^\\d+$', '7') },
        body: v2Error('too_many_requests'),
      },
    });
    await executeSettled(pact, async (server) => {
      const res = await sendVia(client, server, request, key);
      expect(res.status).toBe(429);
      expect(classifyResponse(res)).toEqual({
        outcome: 'retry',
        errorClass: 'rate_limited',
        reason: 'HTTP 429 Too Many Requests',
        retryAfterMs: 7000,
      });
    });
  });

  it('POST /v2/events while FullStory is failing → 500', async () => {
    const request = referenceRequests.trackEventV2Minimal();
    const key = stableIdempotencyKey('v2 event, failing', request.prepared);
    const pact = interaction({
      state: STATES.failing,
      description: 'a v2 event while FullStory is failing',
      request,
      idempotencyKey: key,
      response: { status: 500, body: v2Error('server_error') },
    });
    await executeSettled(pact, async (server) => {
      const res = await sendVia(client, server, request, key);
      expect(res.status).toBe(500);
      expect(classifyResponse(res)).toMatchObject({ outcome: 'retry', errorClass: 'http_5xx' });
    });
  });
});
