import { UnrecoverableError } from 'bullmq';
import { RetryableDeliveryError } from './delivery-errors';

/** How one member of a group job ended: what the processor returned, or what it threw. */
export type MemberResult =
  | { ok: true; outcome: { status: string; deferForMs?: number; rateLimitedForMs?: number } }
  | { ok: false; error: unknown };

/** A member handed over to its own job `d<id>`: run after `delayMs`, or ended failed at once with `failedReason`. */
export type HandOff = { delayMs: number } | { failedReason: string };

/** Anything unforeseen (Postgres or Redis unreachable) is tried again by the member's own job after 1 s. */
export const UNFORESEEN_RETRY_MS = 1000;

/**
 * Whether a member of a group job needs its own job, and which: a group job ends once, so what a job per delivery
 * left to BullMQ (a retry's backoff, a deferral, a pause for Retry-After, the failed set) goes to the member's own
 * job, the same `d<id>` one job per delivery had. Settled members (delivered, skipped, nothing to do) need none.
 */
export function handOffOf(result: MemberResult): HandOff | null {
  if (result.ok) {
    const { outcome } = result;
    if (outcome.deferForMs !== undefined) return { delayMs: outcome.deferForMs };
    if (outcome.rateLimitedForMs !== undefined) return { delayMs: outcome.rateLimitedForMs };
    return null;
  }
  const { error } = result;
  if (error instanceof RetryableDeliveryError) return { delayMs: error.delayMs };
  if (error instanceof UnrecoverableError) return { failedReason: error.message };
  return { delayMs: UNFORESEEN_RETRY_MS };
}

/**
 * The reason a failed member's own job ends with, unsent, on its first run as a live job; null for any other run (a
 * redrive sets its trigger to `redrive`, and then it runs for real).
 */
export function failedByItsGroup(job: {
  attemptsMade: number;
  data: { trigger?: string; failedReason?: string };
}): string | null {
  const { trigger, failedReason } = job.data;
  return job.attemptsMade === 0 && trigger === 'auto' && failedReason !== undefined ? failedReason : null;
}

/**
 * Whether a group job's member leaves the delivery alone: a member runs only a delivery never attempted. Once
 * attempted, the delivery is its own job's (a retry, a replay, a redrive), so a group job run again after a crash
 * does not retry it before its backoff ends.
 */
export function leftToItsOwnJob(job: { groupMember?: boolean }, delivery: { lastAttemptNumber: number }): boolean {
  return job.groupMember === true && delivery.lastAttemptNumber > 0;
}
