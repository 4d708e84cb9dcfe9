export * from './api-types';
export * from './errors';
export * from './status-text';
export * from './classify';
export * from './client';
export * from './idempotency';
export * from './outbound-policy';
export { MAX_RESPONSE_BYTES, TRUNCATED_MARKER } from './read-capped';
export * as pactContract from './pact/contract';
