/**
 * Idempotency-Key semantics the worker relies on when it re-sends a v2 create (fullstory-api.md §6): the stored
 * answer of an earlier identical request is replayed, and a request whose twin is still running gets 409.
 * The provider states receive the earlier request as parameters and send it first.
 */
import { MatchersV3 } from '@pact-foundation/pact';
import { classifyResponse } from '../classify';
import { FullStoryClient } from '../client';
import { interaction, sendVia, v2Error } from './consumer-support';
import { executeSettled } from './settled-execution';
import { IdempotentRequest, STATES } from './contract';
import { PactRequest, referenceRequests, stableIdempotencyKey } from './reference-cases';

const { like } = MatchersV3;

/** The earlier request, exactly the one this interaction sends (same key, same mapper body). */
function earlier(request: PactRequest, idempotencyKey: string): IdempotentRequest {
  return { method: 'POST', path: request.path, idempotencyKey, body: request.body };
}

describe('FullStory consumer contract: Idempotency-Key (delivery-worker → fake-fullstory)', () => {
  // One client (one keep-alive pool) per interaction: each mock server gets a new port, and a pooled
  // connection to an earlier server on a reused port would send the request to the wrong interaction.
  let client: FullStoryClient;
  beforeEach(() => {
    client = new FullStoryClient({ timeoutMs: 5000 });
  });
  afterEach(() => client.close());

  it('POST /v2/users replays the stored answer of an identical earlier request', async () => {
    const request = referenceRequests.identifyUserV2();
    const key = stableIdempotencyKey('v2 user upsert, replayed', request.prepared);
    const pact = interaction({
      state: STATES.answered,
      stateParams: earlier(request, key),
      description: 'a v2 user upsert whose Idempotency-Key was answered before',
      request,
      idempotencyKey: key,
      response: { status: 200, headers: { 'Idempotent-Replayed': 'true' }, body: { id: like('1000000000001') } },
    });
    await executeSettled(pact, async (server) => {
      const res = await sendVia(client, server, request, key);
      expect(res.status).toBe(200);
      expect(res.headers['idempotent-replayed']).toBe('true');
      expect(typeof (JSON.parse(res.body) as { id: unknown }).id).toBe('string');
      expect(classifyResponse(res)).toEqual({ outcome: 'success' });
    });
  });

  it('POST /v2/users while an identical request is in flight → 409', async () => {
    const request = referenceRequests.identifyUserV2();
    const key = stableIdempotencyKey('v2 user upsert, in flight', request.prepared);
    const pact = interaction({
      state: STATES.inFlight,
      stateParams: earlier(request, key),
      description: 'a v2 user upsert whose Idempotency-Key is still in flight',
      request,
      idempotencyKey: key,
      response: { status: 409, body: v2Error('conflict') },
    });
    await executeSettled(pact, async (server) => {
      const res = await sendVia(client, server, request, key);
      expect(res.status).toBe(409);
      // Permanent here; the worker's retry policy retries a 409 it sent with an Idempotency-Key.
      expect(classifyResponse(res)).toEqual({
        outcome: 'permanent',
        errorClass: 'http_4xx',
        reason: 'HTTP 409 Conflict',
      });
    });
  });
});
