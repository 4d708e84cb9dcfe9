import { Queue } from 'bullmq';
import Redis from 'ioredis';
import path from 'path';
import { DEFAULT_JOB_OPTIONS, redisClientPlan, redisConnectionOptions } from '@fsd/platform';
import { EnqueueThread } from './enqueue-thread.client';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const ROOT = path.resolve(__dirname, '../../../../..');
/** The thread runs compiled JavaScript: the build (which `npm test` runs first) is brought up to date here. */
const THREAD_FILE = path.join(ROOT, 'dist/apps/ingest-api/src/ingest/outbox/enqueue.thread.js');

/** The real worker thread against the real Redis, under a prefix of its own that it removes afterwards. */
describe('EnqueueThread', () => {
  const prefix = `fsdtest_thread_${process.pid}_${Date.now()}`;
  let redis: Redis;
  const queue = (name: string) => new Queue(name, { connection: redis, prefix });

  const start = (redisUrl = REDIS_URL): EnqueueThread => {
    const thread = EnqueueThread.start(
      {
        redis: redisClientPlan({ redisUrl }, redisConnectionOptions('enqueue-thread-spec')),
        prefix,
        jobName: 'deliver',
        jobOptions: DEFAULT_JOB_OPTIONS,
      },
      THREAD_FILE,
    );
    if (!thread) throw new Error(`${THREAD_FILE} is missing`);
    return thread;
  };

  beforeAll(async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require(path.join(ROOT, 'tools/build-if-stale')).ensureBuilt(ROOT);
    redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    await redis.ping();
  }, 120_000);

  afterAll(async () => {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  });

  it('resolves once the jobs are in their queues, with the ids, data and options it was given', async () => {
    const thread = start();
    await thread.add([
      { name: 'delivery-a', jobs: [['d1', { deliveryId: '1', trigger: 'auto' }]] },
      {
        name: 'delivery-b',
        jobs: [
          ['d2', { deliveryId: '2', trigger: 'auto' }],
          ['d3-r9', { deliveryId: '3', trigger: 'replay', replayId: '9' }],
        ],
      },
    ]);
    const a = await queue('delivery-a').getJobs(['waiting']);
    const b = await queue('delivery-b').getJobs(['waiting']);
    expect(a.map((j) => [j.id, j.name, j.data])).toEqual([['d1', 'deliver', { deliveryId: '1', trigger: 'auto' }]]);
    expect(b.map((j) => j.id).sort()).toEqual(['d2', 'd3-r9']);
    expect(b.find((j) => j.id === 'd3-r9')?.data).toEqual({ deliveryId: '3', trigger: 'replay', replayId: '9' });
    expect(a[0].opts.attempts).toBe(DEFAULT_JOB_OPTIONS.attempts);
    await thread.close();
  });

  it('rejects a batch BullMQ refuses, and keeps working', async () => {
    const thread = start();
    // BullMQ refuses custom job ids that are integers.
    await expect(thread.add([{ name: 'delivery-c', jobs: [['42', { deliveryId: '42' }]] }])).rejects.toThrow(
      /integer/i,
    );
    await thread.add([{ name: 'delivery-c', jobs: [['d43', { deliveryId: '43' }]] }]);
    expect((await queue('delivery-c').getJobs(['waiting'])).map((j) => j.id)).toEqual(['d43']);
    await thread.close();
  });

  it('closes only after the batches already sent are in Redis, and refuses more afterwards', async () => {
    const thread = start();
    const jobs = Array.from({ length: 500 }, (_, i): [string, Record<string, unknown>] => [
      `d${i}`,
      { deliveryId: String(i) },
    ]);
    const sent = thread.add([{ name: 'delivery-d', jobs }]);
    await thread.close();
    await sent;
    expect(await queue('delivery-d').getJobCountByTypes('waiting')).toBe(500);
    expect(thread.alive).toBe(false);
    await expect(thread.add([{ name: 'delivery-d', jobs: [['d999', {}]] }])).rejects.toThrow(/not running/);
  });

  it('does not hang shutdown when Redis is unreachable: what was sent is left to the outbox relay', async () => {
    // Nothing listens on port 1: the thread's connection keeps retrying and the batch never completes.
    const thread = start('redis://127.0.0.1:1');
    const sent = thread.add([{ name: 'delivery-e', jobs: [['d1', { deliveryId: '1' }]] }]);
    // Resolving at all is the point (a hang would end in the test's timeout), and the batch is given up.
    await thread.close(300);
    // Given up when the thread ends: it exits once closed, or (seen once under a loaded CI run) its Redis client's
    // connection error escapes BullMQ's close first and ends it with that error. Either way the thread is gone.
    await expect(sent).rejects.toThrow(/^enqueue thread (exited \(code \d+\)|failed: connect ECONNREFUSED)/);
    expect(thread.alive).toBe(false);
  });
});
