import type { RedisOptions } from 'ioredis';

/** What the enqueue thread is started with (structured-cloned: plain data only). */
export interface EnqueueThreadData {
  redisUrl: string;
  redisOptions: RedisOptions;
  prefix: string;
  jobName: string;
  jobOptions: Record<string, unknown>;
}

/** One queue's jobs, each as [jobId, data]. */
export interface EnqueueThreadQueueJobs {
  name: string;
  jobs: [string, Record<string, unknown>][];
}

export type EnqueueThreadRequest = { kind: 'add'; seq: number; queues: EnqueueThreadQueueJobs[] } | { kind: 'close' };

export type EnqueueThreadReply = { kind: 'added'; seq: number; error?: string } | { kind: 'closed' };
