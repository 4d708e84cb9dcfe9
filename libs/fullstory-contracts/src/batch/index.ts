export * from './batch-keys';
export * from './batch-client';
export * from './job-slots';
