import type { DeliveryStatus } from '@fsd/platform';
import type { LoadedDelivery } from './delivery.types';

/**
 * A delivery with its event as the load statements return it (DELIVERY_BASE_COLUMNS and a last_attempt): the live worker's
 * claim and the batch replay's slice claim read the same columns and map them here.
 */
export interface LoadedDeliveryRow {
  id: string;
  logged_at: Date;
  kind: 'event' | 'deletion';
  status: DeliveryStatus;
  destination_id: string;
  created_at: Date;
  episode_started_at: Date;
  episode_runs: number;
  attempts: number;
  /** max(attempt_number): an int, which pg returns as a number (or a string from a bigint expression). */
  last_attempt: number | string;
  deletion_user_id: string | null;
  payload: Record<string, unknown> | null;
  event_received_at: Date | null;
  /** The job whose backoff retries this delivery (set while it is retrying). */
  retry_job: string | null;
}

/** The columns of LoadedDeliveryRow but `last_attempt`, from deliveries `d` and events `e` (joined by the caller). */
export const DELIVERY_BASE_COLUMNS = `d.id::text, d.logged_at, d.kind, d.status, d.destination_id::text, d.created_at,
  d.episode_started_at, d.episode_runs, d.attempts, d.deletion_user_id, d.event_received_at, d.retry_job, e.payload`;

/**
 * The number of the delivery `d`'s last attempt (0 if none), looked up in the audit rows. `attemptsFrom`: SQL
 * conditions on the attempt `a` that narrow the partitions looked in (ANDed; empty for all).
 */
export const lastAttemptSql = (attemptsFrom = '') =>
  `COALESCE((SELECT max(a.attempt_number) FROM delivery_attempts a WHERE a.delivery_id = d.id${attemptsFrom}), 0)`;

/** What the plan knows of earlier attempts; a replay starts afresh (nothing delivered or failed counts). */
export interface AuditSummary {
  delivered: Iterable<string>;
  failed: Iterable<string>;
  failedReason: string | null;
}

export const FRESH_AUDIT: AuditSummary = { delivered: [], failed: [], failedReason: null };

export function loadedDelivery(r: LoadedDeliveryRow, audit: AuditSummary): LoadedDelivery {
  return {
    id: r.id,
    loggedAt: r.logged_at,
    kind: r.kind,
    status: r.status,
    destinationId: r.destination_id,
    createdAt: r.created_at,
    episodeStartedAt: r.episode_started_at,
    episodeRuns: r.episode_runs,
    attempts: r.attempts,
    lastAttemptNumber: Number(r.last_attempt),
    deletionUserId: r.deletion_user_id,
    event: r.payload,
    eventReceivedAt: r.event_received_at,
    deliveredSubscriptions: new Set(audit.delivered),
    failedSubscriptions: new Set(audit.failed),
    failedReason: audit.failedReason,
    retryJob: r.retry_job,
  };
}
