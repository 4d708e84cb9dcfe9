import type { Queue } from 'bullmq';
import type { Cluster, Redis, RedisOptions } from 'ioredis';

/** What the enqueue thread is started with (structured-cloned: plain data only). */
export interface EnqueueThreadData {
  /** The platform's RedisClientPlan: one server at `url`, or a cluster from `clusterNodes` when it lists any. */
  redis: { url: string; clusterNodes: { host: string; port: number }[]; options: RedisOptions };
  prefix: string;
  jobName: string;
  jobOptions: object;
}

/** One queue's jobs, each as [jobId, data], and the group index entries to write before them. */
export interface EnqueueThreadQueueJobs {
  name: string;
  jobs: [string, object][];
  /** HSET key field value…: which group job serves each delivery (libs/platform delivery-group.ts). */
  index?: { key: string; fields: string[] };
}

/** The addBulk entries of [jobId, data] pairs: the one job shape, whichever thread adds them. */
export function bulkJobs(
  jobs: [string, object][],
  jobName: string,
  jobOptions: object,
): { name: string; data: object; opts: object }[] {
  return jobs.map(([jobId, data]) => ({ name: jobName, data, opts: { ...jobOptions, jobId } }));
}

/**
 * Adds one queue's jobs, whichever thread adds them: its group index entries first, so an open delivery always has
 * its job or an entry naming it (the outbox relay reads both), then the jobs.
 */
export async function addQueueJobs(
  { jobs, index }: EnqueueThreadQueueJobs,
  connection: Redis | Cluster,
  queue: Queue,
  jobName: string,
  jobOptions: object,
): Promise<void> {
  if (index) await connection.hset(index.key, ...index.fields);
  await queue.addBulk(bulkJobs(jobs, jobName, jobOptions));
}

export type EnqueueThreadRequest = { kind: 'add'; seq: number; queues: EnqueueThreadQueueJobs[] } | { kind: 'close' };

/** Answers an 'add'; after 'close' the thread closes its queues and connection, then its port, and ends. */
export interface EnqueueThreadAdded {
  kind: 'added';
  seq: number;
  error?: string;
}

/** An error its Redis connection or a queue reported: logged (rate-limited) by the main thread. */
export interface EnqueueThreadWarning {
  kind: 'warning';
  source: string;
  message: string;
}

export type EnqueueThreadReply = EnqueueThreadAdded | EnqueueThreadWarning;
