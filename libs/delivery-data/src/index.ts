// The one data-access library of deliveries, delivery_attempts and delivery_state_changes, used by both apps.
export * from './delivery.types';
export * from './delivery.repository';
export * from './erasure-check';
export { attemptRow } from './attempt-row';
export { attemptsFromLoggedTimes } from './logged-at-bounds';
export { RecordBatcher } from './record-batcher';
export type { RecordItem } from './record-batcher';
export * from './sql-executor';
export * from './delivery-admin.writes';
export * from './delivery-statement.fragments';
export * from './batch-slice.repository';
export * from './deletion-user.writes';
export * from './delivery-funnel';
export * from './delivery-retention';
