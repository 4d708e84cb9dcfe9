/**
 * Group jobs: the live deliveries of one destination committed together travel as one BullMQ job `g<firstId>`
 * instead of one job each. A job costs BullMQ two script calls (add, then finish-and-take-next) and the worker a
 * claim, a check and a record statement per group of jobs that happen to start together; a group job pays the
 * scripts once and starts its deliveries in one tick, so they share those statements: ~30% less CPU per delivery
 * in the bench's drain (docs/architecture.md, Queues).
 *
 * Only ingest's post-commit enqueue makes them. Retries, replays, redrives and the outbox relay keep one job per
 * delivery (`d<id>…`): a member that does not end delivered or skipped is handed over to its own `d<id>` job.
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
}

export interface DeliveryGroupJobData {
  group: DeliveryGroupMember[];
}

/** From the first delivery of the group (a delivery is in one group job only), so enqueueing twice is a no-op. */
export function deliveryGroupJobId(firstDeliveryId: string): string {
  return `g${firstDeliveryId}`;
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
): [string, DeliveryGroupJobData][] {
  const jobs: [string, DeliveryGroupJobData][] = [];
  for (let i = 0; i < members.length; i += max) {
    const group = members.slice(i, i + max);
    jobs.push([deliveryGroupJobId(group[0].deliveryId), { group }]);
  }
  return jobs;
}
