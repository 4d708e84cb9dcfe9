/**
 * Provider verification: replays the pact the consumer specs wrote earlier in this same run (a fresh directory
 * per run, see libs/fullstory-contracts/src/pact/jest-global-setup.js; committed-pact.pact.spec.ts checks the
 * committed file equals it) against the real fake started in-process on a random port.
 * Provider states are set up only through the fake's control API (/__fake/*), as any external test would.
 */
import { Verifier } from '@pact-foundation/pact';
import { FastifyInstance } from 'fastify';
import { existsSync } from 'node:fs';
import { AddressInfo } from 'node:net';
import { request } from 'undici';
import { pactContract } from '@fsd/fullstory-contracts';
import { buildFakeApp } from '../app';

// Provider verification lives with the provider; the contract (pact file, states) comes from the lib.
const { API_KEY, BAD_KEY, IDENTIFIED_UID, PROVIDER, STANDARD_KEY, STATES, destinationHeaders, freshPactFile } =
  pactContract;

/** How long the first request of the in-flight state is held; the interaction's request comes meanwhile. */
const IN_FLIGHT_HOLD_MS = 5000;

function isIdempotentRequest(value: unknown): value is pactContract.IdempotentRequest {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return v.method === 'POST' && typeof v.path === 'string' && typeof v.idempotencyKey === 'string' && 'body' in v;
}

describe('fake-fullstory honours the delivery-worker contract', () => {
  let app: FastifyInstance;
  let baseUrl: string;
  /** The held first request of the in-flight state; settled before the next state and at the end. */
  let held: Promise<number> | undefined;
  const heldStatuses: number[] = [];

  beforeAll(async () => {
    app = buildFakeApp({ log: false });
    await app.listen({ host: '127.0.0.1', port: 0 });
    baseUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  });
  afterAll(() => app.close());

  const control = async (method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<unknown> => {
    const res = await request(`${baseUrl}/__fake${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.body.text();
    if (res.statusCode !== 200) throw new Error(`control ${method} ${path} → ${res.statusCode} ${text}`);
    return JSON.parse(text) as unknown;
  };

  /** The earlier request of an idempotency state, sent with the admin key like the worker's. */
  const sendEarlier = async (params: unknown): Promise<number> => {
    if (!isIdempotentRequest(params)) throw new Error(`bad idempotency state params ${JSON.stringify(params)}`);
    const res = await request(`${baseUrl}${params.path}`, {
      method: params.method,
      headers: { ...destinationHeaders(API_KEY), 'Idempotency-Key': params.idempotencyKey },
      body: JSON.stringify(params.body),
    });
    await res.body.dump();
    return res.statusCode;
  };

  /** A batch job created with the admin key, as the worker creates them; its id is injected into the path. */
  const createJob = async (params: unknown): Promise<{ jobId: string }> => {
    const p = params as pactContract.BatchJobState;
    const res = await request(`${baseUrl}/v2/${p.kind}/batch`, {
      method: 'POST',
      headers: destinationHeaders(API_KEY),
      body: JSON.stringify({ requests: p.requests }),
    });
    const body = (await res.body.json()) as { job: { id: string } };
    if (res.statusCode !== 200) throw new Error(`batch job creation answered ${res.statusCode}`);
    return { jobId: body.job.id };
  };

  const settleHeld = async (): Promise<void> => {
    if (held === undefined) return;
    heldStatuses.push(await held);
    held = undefined;
  };

  /** Every state starts from a clean fake with the default keys (test-api-key is admin). Setup only. */
  const state =
    <T>(setup: (params: unknown) => Promise<T>) =>
    async (params?: unknown): Promise<T> => {
      await settleHeld();
      await control('POST', '/reset');
      return setup(params);
    };

  const pollUntil = async (what: string, check: () => Promise<boolean>): Promise<void> => {
    const deadline = Date.now() + IN_FLIGHT_HOLD_MS / 2;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setImmediate(r));
    }
  };

  it('verifies the pact the consumer run just wrote', async () => {
    const pactFile = freshPactFile();
    expect(existsSync(pactFile)).toBe(true);
    const verifier = new Verifier({
      provider: PROVIDER,
      providerBaseUrl: baseUrl,
      pactUrls: [pactFile],
      logLevel: 'warn',
      stateHandlers: {
        [STATES.adminKey]: state(async () => {
          await control('POST', '/keys', { key: API_KEY, role: 'admin' });
        }),
        [STATES.standardKey]: state(async () => {
          await control('POST', '/keys', { key: STANDARD_KEY, role: 'standard' });
          await control('POST', '/users', { uid: IDENTIFIED_UID, display_name: 'fake-display-name' });
        }),
        [STATES.badKey]: state(async () => undefined),
        [STATES.identified]: state(async () => {
          await control('POST', '/users', { uid: IDENTIFIED_UID, display_name: 'fake-display-name' });
        }),
        [STATES.notIdentified]: state(async () => undefined),
        [STATES.rateLimited]: state(async () => {
          // The real token bucket: one token, refilled every 10 s, spent before the interaction.
          await control('POST', '/config', { rateLimit: 0.1, rateLimitBurst: 1 });
          await request(`${baseUrl}/me`, { headers: { authorization: `Basic ${API_KEY}` } }).then((r) => r.body.dump());
        }),
        [STATES.failing]: state(async () => {
          await control('POST', '/faults', { match: { path: '/*' }, status: 500 });
        }),
        [STATES.answered]: state(async (params) => {
          const status = await sendEarlier(params);
          if (status !== 200) throw new Error(`the earlier request was answered ${status}, not 200`);
        }),
        [STATES.batchJobFinished]: state(createJob),
        [STATES.batchJobProcessing]: state(async (params) => {
          await control('POST', '/config', { processingDelayMs: 600_000 });
          return createJob(params);
        }),
        [STATES.inFlight]: state(async (params) => {
          // Only the earlier request is held (times: 1); the interaction's request meets its in-flight record.
          await control('POST', '/faults', { match: { method: 'POST' }, latencyMs: IN_FLIGHT_HOLD_MS, times: 1 });
          held = sendEarlier(params);
          await pollUntil('the earlier request to be in flight', async () => {
            const stats = (await control('GET', '/stats')) as { idempotencyRecords: number };
            return stats.idempotencyRecords === 1;
          });
        }),
      },
    });
    await verifier.verifyProvider();
    await settleHeld();
    // The held request itself completed normally, after the interaction's 409.
    expect(heldStatuses).toEqual([200]);
    // The bad key really is unknown to the fake.
    const keys = (await control('GET', '/keys')) as Array<{ key: string }>;
    expect(keys.map((k) => k.key)).not.toContain(BAD_KEY);
  });
});
