import { Queue } from 'bullmq';
import {
  BACKGROUND_COMPLETED_RETENTION,
  BACKGROUND_JOB_PRIORITY,
  DELIVERY_GROUP_MAX,
  deliveryGroupIndexKey,
  deliveryGroupJobId,
  deliveryJobId,
  until,
} from '@fsd/platform';
import { IngestConfig } from '../../core/config/ingest.config';
import { QueueRegistry } from '../../core/queue/queue-registry.service';
import { DeliveryEnqueuer } from './delivery-enqueuer.service';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Simulates setTimeout/clearTimeout only: everything else (Redis, BullMQ) keeps real time. */
const simulateTimeoutsOnly = () =>
  jest.useFakeTimers({
    doNotFake: [
      'Date',
      'hrtime',
      'nextTick',
      'performance',
      'queueMicrotask',
      'setImmediate',
      'clearImmediate',
      'setInterval',
      'clearInterval',
    ],
  });

const nextTick = () => new Promise((r) => setImmediate(r));

/** Against the real Redis, under a prefix of its own that it removes afterwards. */
describe('DeliveryEnqueuer', () => {
  const prefix = `fsdtest_enqueuer_${process.pid}_${Date.now()}`;
  let registry: QueueRegistry;

  /** The window opens at any rate unless the test gives a threshold. */
  const make = (enqueueLingerMs: number, deliveryGroupMax = DELIVERY_GROUP_MAX, enqueueLingerFromPerSecond = 0) =>
    new DeliveryEnqueuer(registry, {
      enqueueLingerMs,
      enqueueLingerFromPerSecond,
      deliveryGroupMax,
      queuePrefix: prefix,
    } as IngestConfig);
  const queueOf = (destinationId: string): Queue => registry.forDestination(destinationId);

  beforeAll(async () => {
    registry = new QueueRegistry({ redisUrl: REDIS_URL, queuePrefix: prefix } as IngestConfig);
    await registry.connection.ping();
  });

  afterAll(async () => {
    const keys = await registry.connection.keys(`${prefix}:*`);
    if (keys.length > 0) await registry.connection.del(...keys);
    await registry.onModuleDestroy();
  });

  const untilWaiting = (queue: Queue, n: number) =>
    until(`${n} waiting jobs`, async () => (await queue.getJobCountByTypes('waiting')) >= n);

  it('enqueues what is committed within the linger window together, once the window ends', async () => {
    const queue = queueOf('dest-a');
    // The group index is written first, synchronously in the flush; the jobs follow once it is in Redis.
    const indexWrites = jest.spyOn(registry.connection, 'hset');
    const enqueuer = make(200);
    // The linger timer runs on simulated time.
    simulateTimeoutsOnly();
    try {
      enqueuer.enqueueInBackground([
        { deliveryId: '1', destinationId: 'dest-a', loggedAt: '2026-11-30T10:00:00.123Z' },
      ]);
      enqueuer.enqueueInBackground([{ deliveryId: '2', destinationId: 'dest-a' }]);
      jest.advanceTimersByTime(199);
      expect(indexWrites).not.toHaveBeenCalled();
      jest.advanceTimersByTime(1);
    } finally {
      jest.useRealTimers();
    }
    expect(indexWrites).toHaveBeenCalledTimes(1);
    indexWrites.mockRestore();
    await untilWaiting(queue, 1);
    // One group job for both, named by the group index; the delivery's logged_at travels in it when known.
    const jobs = await queue.getJobs(['waiting']);
    expect(jobs.map((j) => [j.id, j.data])).toEqual([
      [
        deliveryGroupJobId('1'),
        { group: [{ deliveryId: '1', loggedAt: '2026-11-30T10:00:00.123Z' }, { deliveryId: '2' }] },
      ],
    ]);
    expect(await registry.connection.hgetall(deliveryGroupIndexKey(prefix, 'dest-a'))).toEqual({ 1: 'g1', 2: 'g1' });
  });

  it('opens the linger window only once deliveries arrive at ENQUEUE_LINGER_FROM_PER_SECOND', async () => {
    const queue = queueOf('dest-f');
    const hset = jest.spyOn(registry.connection, 'hset');
    // The group index's writes, one a flush (BullMQ writes its queue's meta with HSET too).
    const flushes = () => hset.mock.calls.filter(([key]) => key === deliveryGroupIndexKey(prefix, 'dest-f')).length;
    const enqueuer = make(60_000, DELIVERY_GROUP_MAX, 3);
    // Date simulated too, from early in a second: both commits fall in the same second.
    jest.useFakeTimers({
      doNotFake: ['hrtime', 'nextTick', 'performance', 'queueMicrotask', 'setImmediate', 'clearImmediate'],
      now: Math.ceil(Date.now() / 1000) * 1000 + 100,
    });
    try {
      // 2 a second so far: below 3, enqueued at the next tick, not a minute later.
      enqueuer.enqueueInBackground([
        { deliveryId: 'f1', destinationId: 'dest-f' },
        { deliveryId: 'f2', destinationId: 'dest-f' },
      ]);
      await nextTick();
      expect(flushes()).toBe(1);
      // 3 a second now: this one waits for the window.
      enqueuer.enqueueInBackground([{ deliveryId: 'f3', destinationId: 'dest-f' }]);
      await nextTick();
      expect(flushes()).toBe(1);
      jest.advanceTimersByTime(60_000);
      expect(flushes()).toBe(2);
    } finally {
      jest.useRealTimers();
      hset.mockRestore();
    }
    await untilWaiting(queue, 2);
    expect((await queue.getJobs(['waiting'])).map((j) => j.id).sort()).toEqual(
      [deliveryGroupJobId('f1'), deliveryGroupJobId('f3')].sort(),
    );
  });

  it('enqueues one job per delivery with groups of one (DELIVERY_GROUP_MAX=1)', async () => {
    const queue = queueOf('dest-e');
    const addBulk = jest.spyOn(queue, 'addBulk');
    const enqueuer = make(0, 1);
    enqueuer.enqueueInBackground([
      { deliveryId: '1', destinationId: 'dest-e', loggedAt: '2026-11-30T10:00:00.123Z' },
      { deliveryId: '2', destinationId: 'dest-e' },
    ]);
    await until('the addBulk', () => addBulk.mock.calls.length > 0);
    await addBulk.mock.results[0].value;
    const jobs = await queue.getJobs(['waiting']);
    expect(jobs.map((j) => j.id).sort()).toEqual([deliveryJobId('1'), deliveryJobId('2')].sort());
    expect(jobs.map((j) => j.data).sort((a, b) => a.deliveryId.localeCompare(b.deliveryId))).toEqual([
      { deliveryId: '1', trigger: 'auto', loggedAt: '2026-11-30T10:00:00.123Z' },
      { deliveryId: '2', trigger: 'auto' },
    ]);
    expect(await registry.connection.exists(deliveryGroupIndexKey(prefix, 'dest-e'))).toBe(0);
  });

  it('does not wait for the window once a thousand deliveries are buffered', async () => {
    const enqueuer = make(60_000);
    const indexWrites = jest.spyOn(registry.connection, 'hset');
    const refs = Array.from({ length: 1000 }, (_, i) => ({ deliveryId: `big-${i}`, destinationId: 'dest-b' }));
    enqueuer.enqueueInBackground(refs);
    // Sent at once, not a minute later.
    expect(indexWrites).toHaveBeenCalledTimes(1);
    indexWrites.mockRestore();
    await untilWaiting(queueOf('dest-b'), 1000 / DELIVERY_GROUP_MAX);
    // In group jobs of DELIVERY_GROUP_MAX, every delivery named in the index.
    expect(await queueOf('dest-b').getJobCountByTypes('waiting')).toBe(1000 / DELIVERY_GROUP_MAX);
    expect(await registry.connection.hlen(deliveryGroupIndexKey(prefix, 'dest-b'))).toBe(1000);
  });

  it('enqueues what is still buffered when the app shuts down', async () => {
    const enqueuer = make(60_000);
    enqueuer.enqueueInBackground([{ deliveryId: 'late', destinationId: 'dest-c' }]);
    await enqueuer.onModuleDestroy();
    expect((await queueOf('dest-c').getJobs(['waiting'])).map((j) => j.id)).toEqual([deliveryGroupJobId('late')]);
  });

  it('gives replay and redrive jobs a priority and an hour in Redis once completed; live jobs neither', async () => {
    const enqueuer = make(0);
    await enqueuer.enqueue([{ deliveryId: '7', destinationId: 'dest-d' }]);
    await enqueuer.enqueue([{ deliveryId: '7', destinationId: 'dest-d', jobIdSuffix: '-r3' }], {
      trigger: 'replay',
      replayId: '3',
    });
    await enqueuer.enqueue([{ deliveryId: '7', destinationId: 'dest-d', jobIdSuffix: '-rd9' }], { trigger: 'redrive' });
    const opts = async (id: string) => {
      const job = await queueOf('dest-d').getJob(id);
      return { priority: job?.opts.priority ?? 0, removeOnComplete: job?.opts.removeOnComplete };
    };
    expect(await opts(deliveryJobId('7'))).toEqual({ priority: 0, removeOnComplete: true });
    const background = { priority: BACKGROUND_JOB_PRIORITY, removeOnComplete: BACKGROUND_COMPLETED_RETENTION };
    expect(await opts(deliveryJobId('7', '-r3'))).toEqual(background);
    expect(await opts(deliveryJobId('7', '-rd9'))).toEqual(background);
  });
});
