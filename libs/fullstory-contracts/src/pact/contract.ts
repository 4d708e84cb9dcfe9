import { resolve } from 'node:path';

/** Names and locations shared by the consumer and provider pact tests. */
export const CONSUMER = 'delivery-worker';
export const PROVIDER = 'fake-fullstory';
export const PACT_DIR = resolve(__dirname, '../../pacts');
export const PACT_FILE = resolve(PACT_DIR, `${CONSUMER}-${PROVIDER}.json`);

export const API_KEY = 'test-api-key';
export const BAD_KEY = 'revoked-key';
export const IDENTIFIED_UID = 'fake/user/id';
export const UNIDENTIFIED_UID = 'never-identified';

/** Provider states (the provider test implements each through the fake's control API). */
export const STATES = {
  adminKey: `key ${API_KEY} has role admin`,
  identified: `user ${IDENTIFIED_UID} is identified`,
  notIdentified: `user ${UNIDENTIFIED_UID} was never identified`,
  badKey: `key ${BAD_KEY} is not registered`,
  rateLimited: 'rate limit exceeded for key',
  failing: 'FullStory is failing',
} as const;

/** Headers every destination request carries (fullstory-destination.md §2). */
export function destinationHeaders(key: string = API_KEY): Record<string, string> {
  return {
    'Content-Type': 'application/json',
    Authorization: `Basic ${key}`,
    'Integration-Source': 'segment',
  };
}
