/**
 * Queue naming and job identity. Each destination has its own queue so that a slow or failing
 * FullStory account never holds back another (separate concurrency and rate limit per queue).
 * Jobs carry ids only; the database row is the truth.
 */
export const DELIVERY_QUEUE_PREFIX = 'delivery-';

/** The BullMQ job name of every delivery job (single or group). */
export const DELIVERY_JOB_NAME = 'deliver';

export interface DeliveryJobData {
  deliveryId: string;
  /**
   * The delivery's logged_at (ISO 8601), with its id the row's key: the worker's claim then touches only the
   * partitions it can be in. Absent from jobs enqueued before it was added.
   */
  loggedAt?: string;
  trigger?: 'auto' | 'replay' | 'redrive';
  replayId?: string;
  /**
   * Set on the job a group job hands a permanently failed delivery to (libs/platform delivery-group.ts): its first
   * run ends failed with this reason, unsent, so the failed set holds every failed live delivery for a look and a
   * redrive, as when each had its own job. The outcome is already recorded; the reason is its failedReason.
   */
  failedReason?: string;
  /**
   * A replay's job made for a delivery that then had this many attempts (its `attempts` counter): on its first run,
   * a delivery with more was sent since (by the same replay's group job before a crash, or by another job), and the
   * job leaves it alone. Without it (jobs of other kinds, or from before it was added) the job runs as its trigger says.
   */
  attemptsBefore?: number;
}

/**
 * `delivery-{<destinationId>}`: the braces are a Redis Cluster hash tag, so every key of one queue
 * (`<QUEUE_PREFIX>:delivery-{<id>}:*`, which BullMQ's scripts touch together) lands in one hash slot, while
 * different destinations spread over the cluster's slots and nodes. One server ignores the braces.
 */
export function deliveryQueueName(destinationId: string): string {
  return `${DELIVERY_QUEUE_PREFIX}{${destinationId}}`;
}

export function destinationIdFromQueue(queueName: string): string | undefined {
  const match = /^delivery-\{([^{}]+)\}$/.exec(queueName);
  return match ? match[1] : undefined;
}

/** Job identity of a replay's jobs: `d<deliveryId>-r<replayId>` (and its group jobs' `g<deliveryId>-r<replayId>`). */
export function replayJobSuffix(replayId: string): string {
  return `-r${replayId}`;
}

/** Derived from the business key (the delivery = event × destination), so enqueuing twice is a no-op. */
export function deliveryJobId(deliveryId: string, suffix = ''): string {
  return `d${deliveryId}${suffix}`;
}

/** The worker decides when to give up (per-destination cap and window); BullMQ's cap is only a backstop. */
export const JOB_BACKOFF_TYPE = 'fsd';

export const FAILED_JOB_MAX_AGE_SECONDS = 24 * 3600;
export const FAILED_JOBS_KEPT_PER_QUEUE = 1000;

export const DEFAULT_JOB_OPTIONS = {
  attempts: 1000,
  backoff: { type: JOB_BACKOFF_TYPE },
  // A live delivery's job leaves Redis once it completes (replay and redrive jobs: completedJobRetention). Its
  // outcome is in Postgres, and only the queue dashboard's Completed tab showed finished jobs; keeping the last
  // 10,000 per destination cost Redis a sorted-set add and trim per job (~20% of its CPU per delivery) and ~10 MB per
  // busy destination. Added again later (the outbox relay), the job finds its delivery settled and ends unsent.
  removeOnComplete: true,
  // Failed jobs stay a day (at most 1,000 per destination) for a look in the dashboard, then leave Redis: a
  // stream of permanent failures must not fill it. Redrive reads failed deliveries from Postgres.
  removeOnFail: { age: FAILED_JOB_MAX_AGE_SECONDS, count: FAILED_JOBS_KEPT_PER_QUEUE },
  // No stack traces in Redis: BullMQ appends one (~3 KB) per failed run to the job's hash, so a job retried for
  // hours would grow without bound. Why a run failed is in its attempt row; the job keeps failedReason.
  stackTraceLimit: 0,
} as const;

/**
 * Replay and redrive jobs run below live traffic: BullMQ takes a queue's jobs without a priority (live events,
 * their retries) before any prioritized job, so a large replay never delays a live event by its length.
 */
export const BACKGROUND_JOB_PRIORITY = 10;

const isBackground = (trigger: DeliveryJobData['trigger']) => trigger === 'replay' || trigger === 'redrive';

/** The BullMQ priority option of a delivery job, from what carries it. */
export function deliveryJobPriority(trigger: DeliveryJobData['trigger']): { priority?: number } {
  return isBackground(trigger) ? { priority: BACKGROUND_JOB_PRIORITY } : {};
}

/** How long a replay's or redrive's completed job stays in Redis. */
export const BACKGROUND_COMPLETED_RETENTION = { age: 3600, count: 10000 } as const;

/**
 * Whether a completed delivery job stays in Redis (over DEFAULT_JOB_OPTIONS' removal at once). A replay's job
 * stays an hour: the outbox relay adds a replay's job again when it read the delivery as open and finds no job, and
 * a replay job that runs again starts a new episode and sends again. Kept, the completed job makes that add a no-op.
 */
export function completedJobRetention(trigger: DeliveryJobData['trigger']): {
  removeOnComplete: true | typeof BACKGROUND_COMPLETED_RETENTION;
} {
  return { removeOnComplete: isBackground(trigger) ? BACKGROUND_COMPLETED_RETENTION : true };
}
