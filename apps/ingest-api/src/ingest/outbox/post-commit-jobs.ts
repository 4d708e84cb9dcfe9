import {
  DeliveryGroupMember,
  DeliveryJobData,
  deliveryGroupIndexKey,
  deliveryGroupJobs,
  deliveryJobId,
  deliveryQueueName,
  replayJobSuffix,
} from '@fsd/platform';
import type { EnqueueThreadQueueJobs } from './enqueue-thread.protocol';

/** A delivery to enqueue, with the job that serves it when it is not the delivery's own live job. */
export interface DeliveryRef {
  deliveryId: string;
  destinationId: string;
  /** The delivery's logged_at (ISO 8601), when known: put in the job, it spares the worker's claim a search. */
  loggedAt?: string;
  /** Appended to the job id (`d<deliveryId><suffix>`): a replay or redrive job beside the delivery's own. */
  jobIdSuffix?: string;
  /** Job data for this delivery only (trigger, replayId), over the call's `data`. */
  data?: Partial<DeliveryJobData>;
  /** A replay's delivery: its attempt count when the replay took it (DeliveryJobData.attemptsBefore). */
  attemptsBefore?: number;
}

/** Each destination queue's jobs, one per delivery, as [jobId, data], in the order given. */
export function jobsByQueue(refs: DeliveryRef[], data: Partial<DeliveryJobData> = {}): EnqueueThreadQueueJobs[] {
  const byQueue = new Map<string, EnqueueThreadQueueJobs>();
  for (const r of refs) {
    const name = deliveryQueueName(r.destinationId);
    let entry = byQueue.get(name);
    if (!entry) byQueue.set(name, (entry = { name, jobs: [] }));
    const jobData: DeliveryJobData = { deliveryId: r.deliveryId, trigger: 'auto', ...data, ...r.data };
    if (r.loggedAt !== undefined) jobData.loggedAt = r.loggedAt;
    if (r.attemptsBefore !== undefined) jobData.attemptsBefore = r.attemptsBefore;
    entry.jobs.push([deliveryJobId(r.deliveryId, r.jobIdSuffix), jobData]);
  }
  return [...byQueue.values()];
}

/**
 * The jobs of freshly committed (live) deliveries: per destination queue, group jobs of at most `groupMax`
 * deliveries, each with the group index entries that name it (written before the job: the outbox relay reads them);
 * with `groupMax` 1, one job per delivery as jobsByQueue makes.
 */
export function postCommitJobs(refs: DeliveryRef[], groupMax: number, queuePrefix: string): EnqueueThreadQueueJobs[] {
  if (groupMax <= 1) return jobsByQueue(refs);
  return groupJobsByQueue(refs, groupMax, queuePrefix);
}

/**
 * A per-event replay's jobs for one page: group jobs `g<firstId>-r<replayId>` as live traffic has (each member with
 * its attemptsBefore, the index entries written first), or with `groupMax` 1 one job `d<id>-r<replayId>` each.
 */
export function replayJobs(
  refs: DeliveryRef[],
  replayId: string,
  groupMax: number,
  queuePrefix: string,
): EnqueueThreadQueueJobs[] {
  const suffix = replayJobSuffix(replayId);
  if (groupMax <= 1) {
    return jobsByQueue(
      refs.map((r) => ({ ...r, jobIdSuffix: suffix })),
      { trigger: 'replay', replayId },
    );
  }
  return groupJobsByQueue(refs, groupMax, queuePrefix, { replayId, suffix });
}

function groupJobsByQueue(
  refs: DeliveryRef[],
  groupMax: number,
  queuePrefix: string,
  replay?: { replayId: string; suffix: string },
): EnqueueThreadQueueJobs[] {
  const byDestination = new Map<string, DeliveryGroupMember[]>();
  for (const r of refs) {
    let members = byDestination.get(r.destinationId);
    if (!members) byDestination.set(r.destinationId, (members = []));
    const member: DeliveryGroupMember = { deliveryId: r.deliveryId };
    if (r.loggedAt !== undefined) member.loggedAt = r.loggedAt;
    if (r.attemptsBefore !== undefined) member.attemptsBefore = r.attemptsBefore;
    members.push(member);
  }
  return [...byDestination].map(([destinationId, members]) => {
    const jobs = deliveryGroupJobs(members, groupMax, replay);
    const fields = jobs.flatMap(([jobId, { group }]) => group.flatMap((m) => [m.deliveryId, jobId]));
    return {
      name: deliveryQueueName(destinationId),
      jobs,
      index: { key: deliveryGroupIndexKey(queuePrefix, destinationId), fields },
    };
  });
}
