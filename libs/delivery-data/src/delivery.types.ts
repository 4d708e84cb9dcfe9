import type { AttemptDecision, AttemptErrorClass, AttemptTrigger, DeliveryStatus } from '@fsd/platform';

/**
 * What names a delivery row: its id and the time it was logged, the deliveries table's partition key. A write that
 * knows the second touches only the partitions it can be in (planning and running over every partition was most of
 * the outcome write's cost).
 */
export interface DeliveryKey {
  id: string;
  loggedAt: Date;
}

/** A delivery as the worker plans it: the row, its event and the summary of its audit trail. */
export interface LoadedDelivery extends DeliveryKey {
  kind: 'event' | 'deletion';
  status: DeliveryStatus;
  destinationId: string;
  createdAt: Date;
  episodeStartedAt: Date;
  episodeRuns: number;
  attempts: number;
  lastAttemptNumber: number;
  deletionUserId: string | null;
  event: Record<string, unknown> | null;
  eventReceivedAt: Date | null;
  /** Subscriptions already delivered by an earlier attempt: never sent again. */
  deliveredSubscriptions: Set<string>;
  /**
   * Subscriptions that failed permanently in the current episode (since the last replay or redrive): not sent
   * again while the event's other subscriptions are retried, and they keep the delivery from ending delivered.
   */
  failedSubscriptions: Set<string>;
  /** The error of the first of those failures (the delivery's reason when it ends failed). */
  failedReason: string | null;
  /**
   * The job holding the delivery's retry timer (set with status `retrying`); null or absent when none or not
   * known (the batch replay loads without it).
   */
  retryJob?: string | null;
}

/** One row of delivery_attempts, as the worker records it. */
export interface AttemptRecord {
  attemptNumber: number;
  trigger: AttemptTrigger;
  subscriptionId: string | null;
  action: string | null;
  startedAt: Date;
  finishedAt: Date;
  latencyMs: number | null;
  requestMethod: string | null;
  requestUrl: string | null;
  requestHeaders: Record<string, string> | null;
  requestBody: unknown;
  responseStatus: number | null;
  responseHeaders: Record<string, string> | null;
  responseBody: string | null;
  responseTruncated: boolean;
  errorClass: AttemptErrorClass | null;
  errorMessage: string | null;
  decision: AttemptDecision;
  retryAt: Date | null;
  skipReason: string | null;
}

/**
 * What a claim found: the delivery (now held by the caller's token until it records an outcome or releases),
 * a delivery another job holds (until when), or no delivery.
 */
export type ClaimResult =
  { kind: 'claimed'; delivery: LoadedDelivery } | { kind: 'busy'; claimedUntil: Date | null } | { kind: 'missing' };
