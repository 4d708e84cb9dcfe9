import { resolve } from 'node:path';

/** Names and locations shared by the consumer and provider pact tests. */
export const CONSUMER = 'delivery-worker';
export const PROVIDER = 'fake-fullstory';
export const PACT_FILE_NAME = `${CONSUMER}-${PROVIDER}.json`;
/** The committed pact: must equal the one the consumer run writes (committed-pact.pact.spec.ts). */
export const COMMITTED_PACT_FILE = resolve(__dirname, '../../pacts', PACT_FILE_NAME);

/**
 * Directory the consumer run writes into: a fresh one per `jest --config jest.pact.config.js` run, made by
 * jest-global-setup.js, so the provider can only ever verify the file written earlier in the same run.
 */
export const RUN_DIR_ENV = 'FSD_PACT_RUN_DIR';

export function freshPactDir(): string {
  const dir = process.env[RUN_DIR_ENV];
  if (dir === undefined || dir === '') {
    throw new Error(`${RUN_DIR_ENV} is not set: run the pact tests with \`npm run test:pact\` (jest.pact.config.js)`);
  }
  return dir;
}

export function freshPactFile(): string {
  return resolve(freshPactDir(), PACT_FILE_NAME);
}

export const API_KEY = 'test-api-key';
export const STANDARD_KEY = 'standard-key';
export const BAD_KEY = 'revoked-key';
export const IDENTIFIED_UID = 'fake/user/id';

/** Provider states (the provider test implements each through the fake's control API). */
export const STATES = {
  adminKey: `key ${API_KEY} has role admin`,
  standardKey: `key ${STANDARD_KEY} has role standard`,
  identified: `user ${IDENTIFIED_UID} is identified`,
  notIdentified: `user ${IDENTIFIED_UID} was never identified`,
  badKey: `key ${BAD_KEY} is not registered`,
  rateLimited: 'rate limit exceeded for key',
  failing: 'FullStory is failing',
  /** Params: IdempotentRequest. The same request was answered before: its stored answer is replayed. */
  answered: 'an identical request with this Idempotency-Key was answered',
  /** Params: IdempotentRequest. The same request is still being processed: 409. */
  inFlight: 'an identical request with this Idempotency-Key is still in flight',
  /** Params: BatchJobState. The job was created (admin key) and has finished; injects `jobId`. */
  batchJobFinished: 'a batch import job with these requests has finished',
  /** Params: BatchJobState. The job was created with a long processing delay; injects `jobId`. */
  batchJobProcessing: 'a batch import job with these requests is still processing',
} as const;

/** Provider-state parameters of the batch job states: the job's kind and body. */
export interface BatchJobState {
  kind: 'users' | 'events';
  requests: unknown[];
}

/** Provider-state parameters of the idempotency states: the request the provider sends first. */
export interface IdempotentRequest {
  method: 'POST';
  path: string;
  idempotencyKey: string;
  body: unknown;
}

/** Headers every destination request carries (fullstory-destination.md §2). */
export function destinationHeaders(key: string = API_KEY): Record<string, string> {
  return {
    'Content-Type': 'application/json',
    Authorization: `Basic ${key}`,
    'Integration-Source': 'segment',
  };
}
