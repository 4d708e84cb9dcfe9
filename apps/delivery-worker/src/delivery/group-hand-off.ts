import { UnrecoverableError } from 'bullmq';
import {
  type DeliveryGroupJobData,
  type DeliveryGroupMember,
  type DeliveryJobData,
  deliveryJobId,
  replayJobSuffix,
} from '@fsd/platform';
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
 * Whether a job leaves the delivery alone. A live group's member runs only a delivery never attempted: once
 * attempted, the delivery is its own job's (a retry, a replay, a redrive), so a group job run again after a crash
 * does not retry it before its backoff ends. A replay's job (a group's member, or a job of its own) made when the
 * delivery had `attemptsBefore` attempts finds more on its first run when the delivery was sent since: by the same
 * replay before a crash (its group run again, or a member's hand-off after the group ran it), or by another job.
 */
export function leftToItsOwnJob(
  job: { groupMember?: boolean; attemptsMade: number; data: Pick<DeliveryJobData, 'attemptsBefore'> },
  delivery: { lastAttemptNumber: number; attempts: number },
): boolean {
  const before = job.data.attemptsBefore;
  if (before !== undefined) return job.attemptsMade === 0 && delivery.attempts > before;
  return job.groupMember === true && delivery.lastAttemptNumber > 0;
}

/** A group's member as the job it runs as: the one a job per delivery would have been. */
export function memberJob(member: DeliveryGroupMember, group: Pick<DeliveryGroupJobData, 'replayId'>) {
  const data: DeliveryJobData = { deliveryId: member.deliveryId, trigger: 'auto' };
  if (member.loggedAt !== undefined) data.loggedAt = member.loggedAt;
  if (group.replayId === undefined) return { id: deliveryJobId(member.deliveryId), attemptsMade: 0, data };
  Object.assign(data, { trigger: 'replay', replayId: group.replayId, attemptsBefore: member.attemptsBefore ?? 0 });
  return { id: deliveryJobId(member.deliveryId, replayJobSuffix(group.replayId)), attemptsMade: 0, data };
}

/**
 * The job a member is handed over to: the member's own id (`d<id>`, or `d<id>-r<replayId>`, the retry timer's
 * holder its outcome named). A live member's job has trigger `auto`. So has a replay's member whose outcome was
 * recorded: its job goes on with that episode (a retry) or ends failed, as a live one does. A replay's member that
 * recorded nothing (held by another job, paused, or an unforeseen error) keeps the replay's trigger, to send later.
 */
export function handOffJobData(
  member: DeliveryGroupMember,
  group: Pick<DeliveryGroupJobData, 'replayId'>,
  handOff: HandOff,
  recorded: boolean,
): { jobId: string; data: DeliveryJobData } {
  const { id, data } = memberJob(member, group);
  const asAuto = recorded || group.replayId === undefined;
  const own: DeliveryJobData = asAuto
    ? {
        deliveryId: data.deliveryId,
        ...(data.loggedAt === undefined ? {} : { loggedAt: data.loggedAt }),
        trigger: 'auto',
      }
    : data;
  return { jobId: id, data: 'failedReason' in handOff ? { ...own, failedReason: handOff.failedReason } : own };
}
