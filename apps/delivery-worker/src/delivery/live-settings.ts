/** "No limit": far above anything one destination can do, while keeping BullMQ's limiter active. */
export const UNLIMITED_PER_SECOND = 1_000_000;

/** What the destinations table says about one destination's queue. */
export interface DesiredQueueState {
  concurrency: number;
  /** Requests per second (0 = unlimited). */
  rateLimitPerSecond: number;
  enabled: boolean;
  paused: boolean;
}

/** What this worker applied last (concurrency may be below the configured one while FullStory answers 429). */
export interface AppliedQueueState {
  maxConcurrency: number;
  concurrency: number;
  rateLimitPerSecond: number;
  enabled: boolean;
}

export interface QueueStateChanges {
  /** The worker's new concurrency, or null to keep it. */
  concurrency: number | null;
  /** BullMQ limiter's new `max` per second, or null to keep it. */
  limiterMax: number | null;
  /** Pause (true) or resume (false) the queue, for every worker; null when it is already as it should be. */
  pauseQueue: boolean | null;
  /** The destination was just disabled: its delayed retries run now, to end skipped, instead of hours later. */
  promoteDelayed: boolean;
}

export function limiterMax(rateLimitPerSecond: number): number {
  return rateLimitPerSecond > 0 ? rateLimitPerSecond : UNLIMITED_PER_SECOND;
}

/**
 * The changes that bring a running destination queue to its stored settings. A new configured concurrency
 * replaces the throttled one (the 429 throttle starts again from it). The queue's pause follows the table
 * (the admin API pauses the queue itself too; this restores it if Redis lost it, or finishes a resume whose
 * queue call failed).
 */
export function queueStateChanges(
  applied: AppliedQueueState,
  desired: DesiredQueueState,
  queuePaused: boolean,
): QueueStateChanges {
  return {
    concurrency: desired.concurrency !== applied.maxConcurrency ? desired.concurrency : null,
    limiterMax:
      desired.rateLimitPerSecond !== applied.rateLimitPerSecond ? limiterMax(desired.rateLimitPerSecond) : null,
    pauseQueue: desired.paused !== queuePaused ? desired.paused : null,
    promoteDelayed: applied.enabled && !desired.enabled,
  };
}
