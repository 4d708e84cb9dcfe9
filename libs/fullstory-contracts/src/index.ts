export * from './api-types';
export * from './errors';
export * from './status-text';
export * from './classify';
export * from './client';
