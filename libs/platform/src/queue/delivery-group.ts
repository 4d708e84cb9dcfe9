/**
 * Group jobs: the live deliveries of one destination committed together travel as one BullMQ job `g<firstId>`
 * instead of one job each. A job costs BullMQ two script calls (add, then finish-and-take-next) and the worker a
 * claim, a check and a record statement per group of jobs that happen to start together; a group job pays the
 * scripts once and starts its deliveries in one tick, so they share those statements: ~30% less CPU per delivery
 * in the bench's drain (docs/architecture.md, Queues).
 *
 * Ingest's post-commit enqueue makes them, and a per-event replay makes one per page slice: `g<firstId>-r<replayId>`,
 * whose members carry the delivery's attempt count when the replay took it (`attemptsBefore`). Retries, redrives and
 * the outbox relay keep one job per delivery (`d<id>…`): a member that does not end delivered or skipped is handed
 * over to its own job, the one a job per delivery would have had (`d<id>`, or `d<id>-r<replayId>`).
 *
 * The group index (a hash per queue: delivery id → group job id) tells the outbox relay which open deliveries a
 * waiting group job serves. It is written before the job is added and cleared by the worker when the group is done,
 * so an open delivery always has a job or an index entry whose job the relay can look for.
 */
import { deliveryQueueName } from './delivery-queue';

/** At most this many deliveries per group job: a group starts together (bounded by the destination's concurrency). */
export const DELIVERY_GROUP_MAX = 50;

export interface DeliveryGroupMember {
  deliveryId: string;
  /** The delivery's logged_at (ISO 8601): its partition key. */
  loggedAt?: string;
  /** A replay's member: the delivery's attempt count when the replay took it (DeliveryJobData.attemptsBefore). */
  attemptsBefore?: number;
}

export interface DeliveryGroupJobData {
  group: DeliveryGroupMember[];
  /** Set on a replay's group job: its members run as that replay's jobs `d<id>-r<replayId>` would. */
  replayId?: string;
}

/**
 * From the first delivery of the group (a delivery is in one live group job, and one of each replay's), so
 * enqueueing twice is a no-op. `suffix`: a replay's (`-r<replayId>`), as its jobs per delivery have.
 */
export function deliveryGroupJobId(firstDeliveryId: string, suffix = ''): string {
  return `g${firstDeliveryId}${suffix}`;
}

export function isDeliveryGroupJob(data: object): data is DeliveryGroupJobData {
  return Array.isArray((data as Partial<DeliveryGroupJobData>).group);
}

/** The group index of a destination's queue; it shares the queue's hash tag (one cluster slot with its jobs). */
export function deliveryGroupIndexKey(queuePrefix: string, destinationId: string): string {
  return `${queuePrefix}:${deliveryQueueName(destinationId)}:groups`;
}

/** The members in group jobs of at most `max`, in order: [job id, data]. */
export function deliveryGroupJobs(
  members: DeliveryGroupMember[],
  max = DELIVERY_GROUP_MAX,
  replay?: { replayId: string; suffix: string },
): [string, DeliveryGroupJobData][] {
  const jobs: [string, DeliveryGroupJobData][] = [];
  for (let i = 0; i < members.length; i += max) {
    const group = members.slice(i, i + max);
    jobs.push(
      replay
        ? [deliveryGroupJobId(group[0].deliveryId, replay.suffix), { group, replayId: replay.replayId }]
        : [deliveryGroupJobId(group[0].deliveryId), { group }],
    );
  }
  return jobs;
}
