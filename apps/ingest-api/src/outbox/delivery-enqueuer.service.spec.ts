import { Queue } from 'bullmq';
import { deliveryJobId } from '@fsd/platform';
import { IngestConfig } from '../config/ingest.config';
import { QueueRegistry } from '../queue/queue-registry.service';
import { DeliveryEnqueuer } from './delivery-enqueuer.service';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Against the real Redis, under a prefix of its own that it removes afterwards. */
describe('DeliveryEnqueuer', () => {
  const prefix = `fsdtest_enqueuer_${process.pid}_${Date.now()}`;
  let registry: QueueRegistry;

  const make = (enqueueLingerMs: number) => new DeliveryEnqueuer(registry, { enqueueLingerMs } as IngestConfig);
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

  it('enqueues what is committed within the linger window together, once the window ends', async () => {
    const enqueuer = make(200);
    const addBulk = jest.spyOn(queueOf('dest-a'), 'addBulk');
    enqueuer.enqueueInBackground([{ deliveryId: '1', destinationId: 'dest-a' }]);
    enqueuer.enqueueInBackground([{ deliveryId: '2', destinationId: 'dest-a' }]);
    await new Promise((r) => setTimeout(r, 50));
    expect(await queueOf('dest-a').getJobCountByTypes('waiting')).toBe(0);
    await new Promise((r) => setTimeout(r, 400));
    expect(addBulk).toHaveBeenCalledTimes(1);
    const jobs = await queueOf('dest-a').getJobs(['waiting']);
    expect(jobs.map((j) => j.id).sort()).toEqual([deliveryJobId('1'), deliveryJobId('2')].sort());
    expect(jobs.map((j) => j.data.trigger)).toEqual(['auto', 'auto']);
  });

  it('does not wait for the window once a thousand deliveries are buffered', async () => {
    const enqueuer = make(60_000);
    const refs = Array.from({ length: 1000 }, (_, i) => ({ deliveryId: `big-${i}`, destinationId: 'dest-b' }));
    enqueuer.enqueueInBackground(refs);
    for (let i = 0; i < 50 && (await queueOf('dest-b').getJobCountByTypes('waiting')) < 1000; i++) {
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(await queueOf('dest-b').getJobCountByTypes('waiting')).toBe(1000);
  });

  it('enqueues what is still buffered when the app shuts down', async () => {
    const enqueuer = make(60_000);
    enqueuer.enqueueInBackground([{ deliveryId: 'late', destinationId: 'dest-c' }]);
    await enqueuer.onModuleDestroy();
    expect((await queueOf('dest-c').getJobs(['waiting'])).map((j) => j.id)).toEqual([deliveryJobId('late')]);
  });
});
