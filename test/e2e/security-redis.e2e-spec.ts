import { Queue, UnrecoverableError, Worker } from 'bullmq';
import Redis from 'ioredis';
import { DEFAULT_JOB_OPTIONS, FAILED_JOBS_KEPT_PER_QUEUE, deliveryJobId, deliveryQueueName } from '@fsd/platform';
import { StackEnv, stackEnv, waitFor } from '../support/stack';
import { dropQueues, redisConnection } from '../support/delivery';

/**
 * Issue 17 item 3: events FullStory rejects for good must not fill Redis. 100,000 jobs enqueued with the apps'
 * job options (ids only, as ingest-api adds them) fail permanently the way the worker fails them
 * (UnrecoverableError); afterwards the queue holds FAILED_JOBS_KEPT_PER_QUEUE failed jobs, not 100,000.
 */
jest.setTimeout(300_000);

const JOBS = 100_000;
let env: StackEnv;
let redis: Redis;

/**
 * Bytes Redis reports for every key of this suite's prefix, and how many keys there are. The queue's event stream
 * is counted apart: BullMQ trims it to about 10,000 entries (approximately, so its size varies from run to run).
 */
async function footprint(): Promise<{ keys: number; bytes: number; eventStreamBytes: number }> {
  let cursor = '0';
  let keys = 0;
  let bytes = 0;
  let eventStreamBytes = 0;
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', `${env.QUEUE_PREFIX}:*`, 'COUNT', 1000);
    cursor = next;
    keys += batch.length;
    const sizes = await Promise.all(batch.map((k) => redis.memory('USAGE', k)));
    batch.forEach((key, i) => {
      if (key.endsWith(':events')) eventStreamBytes += Number(sizes[i] ?? 0);
      else bytes += Number(sizes[i] ?? 0);
    });
  } while (cursor !== '0');
  return { keys, bytes, eventStreamBytes };
}

beforeAll(() => {
  env = stackEnv('security_redis');
  redis = new Redis(env.REDIS_URL);
});

afterAll(async () => {
  await dropQueues(env);
  redis.disconnect();
});

it('keeps Redis bounded after 100,000 permanent failures', async () => {
  const name = deliveryQueueName('00000000-0000-4000-8000-000000000017');
  const queue = new Queue(name, { connection: redisConnection(env), prefix: env.QUEUE_PREFIX });
  let failed = 0;
  const worker = new Worker(name, () => Promise.reject(new UnrecoverableError('http_4xx: 400 Bad Request')), {
    connection: redisConnection(env),
    prefix: env.QUEUE_PREFIX,
    concurrency: 200,
    autorun: false,
  });
  worker.on('failed', () => {
    failed += 1;
  });
  try {
    for (let i = 0; i < JOBS; i += 2000) {
      await queue.addBulk(
        Array.from({ length: Math.min(2000, JOBS - i) }, (_, j) => ({
          name: 'deliver',
          data: { deliveryId: String(i + j + 1) },
          opts: { ...DEFAULT_JOB_OPTIONS, jobId: deliveryJobId(String(i + j + 1)) },
        })),
      );
    }
    void worker.run();
    await waitFor('every job to fail', async () => failed >= JOBS, 240_000, 500);

    const counts = await queue.getJobCounts('failed', 'waiting', 'active', 'completed');
    expect(counts).toMatchObject({ failed: FAILED_JOBS_KEPT_PER_QUEUE, waiting: 0, active: 0, completed: 0 });
    // The newest failures are the ones kept.
    expect(await queue.getJob(deliveryJobId(String(JOBS)))).toBeDefined();
    expect(await queue.getJob(deliveryJobId('1'))).toBeUndefined();
    const { keys, bytes, eventStreamBytes } = await footprint();
    // One hash per kept job plus the queue's own few keys (about 1.4 MB here); 100,000 kept jobs would be ~100,000
    // keys and over 100 MB. The event stream (about 0.7 MB) stays within BullMQ's trim whatever the job count.
    expect(keys).toBeLessThan(FAILED_JOBS_KEPT_PER_QUEUE + 20);
    expect(bytes).toBeLessThan(2 * 1024 * 1024);
    expect(eventStreamBytes).toBeLessThan(1024 * 1024);
  } finally {
    await worker.close();
    await queue.close();
  }
});
