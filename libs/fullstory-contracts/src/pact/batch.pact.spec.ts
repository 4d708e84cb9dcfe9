/**
 * FullStory's v2 batch import (fullstory-api.md §3.12) as the batch replay uses it: job creation with an
 * Idempotency-Key, status, imports and errors (202 while processing). Every request is made by the real
 * BatchJobClient over the worker's FullStoryClient; the job items are the mapper's v2 bodies of the reference
 * cases. The job id is the provider's (injected from the provider state).
 */
import { MatchersV3, PactV3, V3MockServer } from '@pact-foundation/pact';
import { BatchAccount, BatchJobClient } from '../batch/batch-client';
import { batchIdempotencyKey } from '../batch/batch-keys';
import { FullStoryClient } from '../client';
import { BatchJobState, CONSUMER, PROVIDER, STATES, destinationHeaders, freshPactDir } from './contract';
import { IDEMPOTENCY_KEY_PATTERN, referenceRequests } from './reference-cases';
import { executeSettled } from './settled-execution';

const { like, regex, fromProviderState, eachLike } = MatchersV3;

const EXAMPLE_JOB = 'example-job-id';
const user = () => referenceRequests.identifyUserV2().prepared.body;
const event = () => referenceRequests.trackEventV2().prepared.body;
/** Longer than FullStory's 256-character uid limit: the item FullStory reports as an error. */
const badUser = () => ({ uid: 'x'.repeat(300) });
const JOB_STATUS = regex('PROCESSING|COMPLETED|FAILED', 'COMPLETED');
const jobMetadata = { id: like(EXAMPLE_JOB), status: JOB_STATUS, created: like('2024-01-01T00:00:00.000Z') };

function pact(): PactV3 {
  return new PactV3({ consumer: CONSUMER, provider: PROVIDER, dir: freshPactDir(), logLevel: 'warn' });
}

/** The job path with the provider's job id. */
const jobPath = (kind: string, tail = '') =>
  fromProviderState(`/v2/${kind}/batch/\${jobId}${tail}`, `/v2/${kind}/batch/${EXAMPLE_JOB}${tail}`);

describe('FullStory consumer contract: batch import jobs (delivery-worker → fake-fullstory)', () => {
  let http: FullStoryClient;
  let batch: BatchJobClient;
  const account = (server: V3MockServer): BatchAccount => ({
    account: 'destination',
    baseUrl: server.url,
    headers: destinationHeaders(),
  });
  beforeEach(() => {
    http = new FullStoryClient({ timeoutMs: 5000 });
    batch = new BatchJobClient(http, { maxRetries: 0 });
  });
  afterEach(() => http.close());

  it.each([
    ['users', user],
    ['events', event],
  ] as const)('POST /v2/%s/batch creates a job (Idempotency-Key)', async (kind, item) => {
    const key = batchIdempotencyKey({ replayId: '1', slice: 'a', round: 0, kind, chunk: 0 });
    const body = { requests: [item()] };
    const p = pact()
      .given(STATES.adminKey)
      .uponReceiving(`a ${kind} batch job creation`)
      .withRequest({
        method: 'POST',
        path: `/v2/${kind}/batch`,
        headers: { ...destinationHeaders(), 'Idempotency-Key': regex(IDEMPOTENCY_KEY_PATTERN, key) },
        body,
      })
      .willRespondWith({ status: 200, body: { job: jobMetadata } });
    await executeSettled(p, async (server) => {
      const { job } = await batch.createJob(account(server), kind, body, key);
      expect(job.id).toEqual(expect.any(String));
    });
  });

  it('GET /v2/users/batch/{id}: a finished job with its counts', async () => {
    const state: BatchJobState = { kind: 'users', requests: [user(), badUser()] };
    const p = pact()
      .given(STATES.batchJobFinished, state as never)
      .uponReceiving('the status of a finished users batch job')
      .withRequest({ method: 'GET', path: jobPath('users'), headers: destinationHeaders() })
      .willRespondWith({ status: 200, body: { job: { ...jobMetadata, status: 'FAILED' }, imports: 1, errors: 1 } });
    await executeSettled(p, async (server) => {
      const s = await batch.waitForJob(account(server), 'users', EXAMPLE_JOB);
      expect(s).toMatchObject({ job: { status: 'FAILED' }, imports: 1, errors: 1 });
    });
  });

  it('GET /v2/users/batch/{id}/errors: each failed item with FullStory code and message', async () => {
    const state: BatchJobState = { kind: 'users', requests: [user(), badUser()] };
    const p = pact()
      .given(STATES.batchJobFinished, state as never)
      .uponReceiving('the errors of a finished users batch job')
      .withRequest({ method: 'GET', path: jobPath('users', '/errors'), headers: destinationHeaders() })
      .willRespondWith({
        status: 200,
        body: {
          results: eachLike({ code: 'invalid_argument', message: like('uid is too long'), user: badUser() }),
          total_records: '1',
        },
      });
    await executeSettled(p, async (server) => {
      const errors = await batch.all<{ code: string; user: unknown }>(account(server), 'users', EXAMPLE_JOB, 'errors');
      expect(errors).toEqual([expect.objectContaining({ code: 'invalid_argument', user: badUser() })]);
    });
  });

  it('GET /v2/events/batch/{id}/imports: the imported events', async () => {
    const state: BatchJobState = { kind: 'events', requests: [event()] };
    const p = pact()
      .given(STATES.batchJobFinished, state as never)
      .uponReceiving('the imports of a finished events batch job')
      .withRequest({ method: 'GET', path: jobPath('events', '/imports'), headers: destinationHeaders() })
      .willRespondWith({
        status: 200,
        body: {
          results: eachLike({ name: like('test-event'), timestamp: like('2024-01-01T00:00:00.000Z') }),
          total_records: '1',
        },
      });
    await executeSettled(p, async (server) => {
      const imports = await batch.all<{ name: string }>(account(server), 'events', EXAMPLE_JOB, 'imports');
      expect(imports).toHaveLength(1);
    });
  });

  it('GET /v2/events/batch/{id}/imports while processing → 202', async () => {
    const state: BatchJobState = { kind: 'events', requests: [event()] };
    const p = pact()
      .given(STATES.batchJobProcessing, state as never)
      .uponReceiving('the imports of an events batch job still processing')
      .withRequest({ method: 'GET', path: jobPath('events', '/imports'), headers: destinationHeaders() })
      .willRespondWith({ status: 202, body: { job: { ...jobMetadata, status: 'PROCESSING' } } });
    await executeSettled(p, async (server) => {
      expect(await batch.page(account(server), 'events', EXAMPLE_JOB, 'imports')).toBeNull();
    });
  });
});
