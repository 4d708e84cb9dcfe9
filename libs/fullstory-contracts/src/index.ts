export * from './api-types';
export * from './errors';
export * from './status-text';
export * from './classify';
export * from './client';
export * from './destination-dispatchers';
export * as pactContract from './pact/contract';
