import { Client, Pool } from 'pg';
import { deliveryGroupIndexKey, deliveryGroupJobId, deliveryJobId, prepareDatabase, until } from '@fsd/platform';
import { IngestConfig } from '../../core/config/ingest.config';
import { QueueRegistry } from '../../core/queue/queue-registry.service';
import { DeliveryEnqueuer } from './delivery-enqueuer.service';
import { OutboxRelay } from './outbox-relay.service';
import { OpenDeliveriesRepository } from './open-deliveries.repository';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const DATABASE_URL = `postgres://postgres@127.0.0.1:5432/fsd_test_relay_${process.pid}_${Date.now()}`;

async function adminQuery(sql: string): Promise<void> {
  const url = new URL(DATABASE_URL);
  url.pathname = '/postgres';
  const client = new Client({ connectionString: url.toString() });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Against a migrated Postgres database and the real Redis, each of its own, removed afterwards. */
describe('OutboxRelay', () => {
  const prefix = `fsdtest_relay_${process.pid}_${Date.now()}`;
  const config = {
    redisUrl: REDIS_URL,
    queuePrefix: prefix,
    enqueueLingerMs: 0,
    outboxRelayIntervalMs: 60_000,
    outboxRelayGraceMs: 10_000,
  } as IngestConfig;
  let pool: Pool;
  let registry: QueueRegistry;
  let enqueuer: DeliveryEnqueuer;
  let relay: OutboxRelay;
  let destinationId: string;
  /** Ids of the open deliveries older than the grace period, in id order. */
  let stale: string[];

  const waiting = async (): Promise<string[]> =>
    ((await registry.forDestination(destinationId).getJobs(['waiting'])) ?? []).map((j) => j.id as string).sort();

  beforeAll(async () => {
    await prepareDatabase(DATABASE_URL);
    pool = new Pool({ connectionString: DATABASE_URL, max: 2 });
    destinationId = (
      await pool.query<{ id: string }>(
        `INSERT INTO destinations (name, api_key_encrypted, presets) VALUES ('relay', 'x', '{}') RETURNING id::text`,
      )
    ).rows[0].id;
    // 450 open deliveries committed an hour ago, 20 committed just now (within the grace period,
    // their jobs may still be on the way), and 30 delivered ones.
    stale = (
      await pool.query<{ id: string }>(
        `INSERT INTO deliveries (destination_id, status, updated_at)
         SELECT $1, CASE WHEN i % 2 = 0 THEN 'pending' ELSE 'retrying' END, now() - interval '1 hour'
           FROM generate_series(1, 450) i RETURNING id::text`,
        [destinationId],
      )
    ).rows
      .map((r) => r.id)
      .sort((a, b) => Number(a) - Number(b));
    await pool.query(
      `INSERT INTO deliveries (destination_id, status, updated_at) SELECT $1, 'pending', now() FROM generate_series(1, 20)`,
      [destinationId],
    );
    await pool.query(
      `INSERT INTO deliveries (destination_id, status, updated_at)
       SELECT $1, 'delivered', now() - interval '1 hour' FROM generate_series(1, 30)`,
      [destinationId],
    );
    registry = new QueueRegistry(config);
    await registry.connection.ping();
    enqueuer = new DeliveryEnqueuer(registry, config);
    relay = new OutboxRelay(new OpenDeliveriesRepository(pool), config, registry, enqueuer);
  });

  afterAll(async () => {
    const keys = await registry.connection.keys(`${prefix}:*`);
    if (keys.length > 0) await registry.connection.del(...keys);
    await registry.onModuleDestroy();
    await pool.end();
    await adminQuery(`DROP DATABASE IF EXISTS "${new URL(DATABASE_URL).pathname.slice(1)}" WITH (FORCE)`);
  });

  it('enqueues the missing jobs of stale open deliveries in chunks, leaving existing jobs alone', async () => {
    // The first 50 still have their jobs.
    await enqueuer.enqueue(stale.slice(0, 50).map((deliveryId) => ({ deliveryId, destinationId })));
    const reads = jest.spyOn(pool, 'connect');

    expect(await relay.tick(300, 100)).toBe(250);
    // One read (and one Redis pipeline) per chunk, so the event loop is never held for long.
    expect(reads).toHaveBeenCalledTimes(3);
    expect(await waiting()).toEqual(
      stale
        .slice(0, 300)
        .map((id) => deliveryJobId(id))
        .sort(),
    );

    // The next pass resumes after the cursor and then wraps around.
    expect(await relay.tick(300, 100)).toBe(150);
    expect(await waiting()).toEqual(stale.map((id) => deliveryJobId(id)).sort());
    expect(relay.relayed).toBe(400);
    reads.mockRestore();
  });

  it('re-enqueues nothing once every stale open delivery has its job', async () => {
    expect(await relay.tick(2000, 100)).toBe(0);
    expect((await waiting()).length).toBe(450);
  });

  it('enqueues them all again after Redis lost every queue', async () => {
    const keys = await registry.connection.keys(`${prefix}:*`);
    await registry.connection.del(...keys);
    expect(await relay.tick(2000, 100)).toBe(450);
    expect((await waiting()).length).toBe(450);
  });

  it('counts a delivery served by the job holding its retry timer, and re-enqueues it once that job is gone', async () => {
    // A redrive job that failed took the timer over; the delivery's own job d<id> has ended and left Redis.
    const [{ id }] = (
      await pool.query<{ id: string }>(
        `INSERT INTO deliveries (destination_id, status, updated_at) VALUES ($1, 'retrying', now() - interval '1 hour')
         RETURNING id::text`,
        [destinationId],
      )
    ).rows;
    const timer = deliveryJobId(id, '-rd7');
    await pool.query(`UPDATE deliveries SET retry_job = $2 WHERE id = $1`, [id, timer]);
    const queue = registry.forDestination(destinationId);
    await queue.add('delivery', { deliveryId: id }, { jobId: timer, delay: 3_600_000 });

    expect(await relay.tick(2000, 100)).toBe(0);
    expect(await waiting()).not.toContain(deliveryJobId(id));

    await queue.remove(timer);
    expect(await relay.tick(2000, 100)).toBe(1);
    expect((await waiting()).filter((j) => j === deliveryJobId(id))).toEqual([deliveryJobId(id)]);
    expect((await waiting()).length).toBe(451);
  });

  it('counts deliveries a waiting group job serves (the group index names it), and enqueues them alone once it is gone', async () => {
    const ids = (
      await pool.query<{ id: string }>(
        `INSERT INTO deliveries (destination_id, status, updated_at)
         SELECT $1, 'pending', now() - interval '1 hour' FROM generate_series(1, 3) RETURNING id::text`,
        [destinationId],
      )
    ).rows
      .map((r) => r.id)
      .sort((a, b) => Number(a) - Number(b));
    // Ingest's post-commit enqueue, on this thread: groups of two, each with its index entries.
    const grouped = new DeliveryEnqueuer(registry, { ...config, deliveryGroupMax: 2 });
    grouped.enqueueInBackground(ids.map((deliveryId) => ({ deliveryId, destinationId })));
    const queue = registry.forDestination(destinationId);
    const [first, second] = [deliveryGroupJobId(ids[0]), deliveryGroupJobId(ids[2])];
    await until('the second group job', () => queue.getJob(second));
    expect((await queue.getJob(first))?.data).toEqual({ group: [{ deliveryId: ids[0] }, { deliveryId: ids[1] }] });
    expect((await queue.getJob(second))?.data).toEqual({ group: [{ deliveryId: ids[2] }] });
    const indexKey = deliveryGroupIndexKey(prefix, destinationId);
    expect(await registry.connection.hgetall(indexKey)).toEqual({ [ids[0]]: first, [ids[1]]: first, [ids[2]]: second });

    expect(await relay.tick(2000, 100)).toBe(0);

    // The first group job is gone (Redis lost it) while its deliveries are open: each gets its own job again.
    await queue.remove(first);
    expect(await relay.tick(2000, 100)).toBe(2);
    const ownJobs = (await waiting()).filter((j) => ids.map((id) => deliveryJobId(id)).includes(j));
    expect(ownJobs).toEqual([deliveryJobId(ids[0]), deliveryJobId(ids[1])].sort());
    expect(await registry.connection.hgetall(indexKey)).toEqual({ [ids[2]]: second });
    expect(await relay.tick(2000, 100)).toBe(0);
  });
});
