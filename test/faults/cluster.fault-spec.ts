import { randomUUID } from 'crypto';
import { mkdirSync, writeFileSync } from 'fs';
import path from 'path';
import { SecretBox, apiKeyBinding, deliveryQueueName } from '@fsd/platform';
import { FaultStack } from './support/harness';
import { SteadyLoad } from './support/load';
import { reconcile } from './support/reconcile';
import { RedisCluster } from './support/redis-cluster';
import { scanForSecrets } from './support/secrets';
import { ROOT, RunningApp, freePort, waitFor, withDb } from '../support/stack';

/**
 * Several processes on a Redis Cluster: three local `redis-server --cluster-enabled yes` masters, two ingest-api
 * and two delivery-worker processes against them and one Postgres, one source feeding two destinations. Events
 * go to both ingest processes; one ingest and one worker are SIGKILLed mid-load; the client re-sends what the
 * dead ingest never acknowledged to the live one; every acknowledged event is delivered once per destination.
 */
describe('faults: Redis Cluster with two ingest and two worker processes', () => {
  const cluster = new RedisCluster(3);
  let stack: FaultStack;
  let ingest: RunningApp[];
  let workers: RunningApp[];
  /** The loads started, stopped in afterAll too: a failed step must not leave one sending. */
  const loads: SteadyLoad[] = [];

  const urlOf = (app: RunningApp) => `http://127.0.0.1:${app.port}`;

  beforeAll(async () => {
    await cluster.start();
    stack = new FaultStack('cluster', {
      REDIS_CLUSTER_NODES: cluster.nodesEnv,
      // Nothing listens here: a client that ignored the cluster setting would leave its app unhealthy.
      REDIS_URL: 'redis://127.0.0.1:9',
      // Four app processes on a Postgres other suites share: small pools, so none of them runs out of connections.
      INGEST_DB_POOL_SIZE: '5',
      WORKER_DB_POOL_SIZE: '6',
    });
    // The secret scan reads every node's keys.
    stack.redisUrls.splice(0, stack.redisUrls.length, ...cluster.urls);
    await stack.startFake();
    ingest = [await stack.start('ingest-api'), await stack.start('ingest-api', { INGEST_PORT: String(freePort()) })];
    workers = [await stack.start('delivery-worker'), await stack.start('delivery-worker')];
  });

  afterAll(async () => {
    await Promise.all(loads.map((l) => l.stop()));
    await stack?.stopAll();
    // Each process's log, for a failure's post-mortem (test-output/ is git-ignored).
    mkdirSync(path.join(ROOT, 'test-output'), { recursive: true });
    stack?.started.forEach((app, i) =>
      writeFileSync(path.join(ROOT, 'test-output', `cluster-${i}-${app.name}.log`), app.output.join('')),
    );
    await cluster.stop();
    await stack?.drop();
  });

  /** A second destination on the source (same FullStory key, track events only). */
  async function addDestination(sourceId: string): Promise<string> {
    const id = randomUUID();
    await withDb(stack.env.DATABASE_URL, async (db) => {
      await db.query(
        `INSERT INTO destinations (id, name, api_key_encrypted, presets)
         VALUES ($1, 'second', $2, '{"trackEvent": true, "identifyUser": false}')`,
        [id, new SecretBox(stack.env.SECRETS_KEY).seal(stack.apiKey, apiKeyBinding(id))],
      );
      await db.query('INSERT INTO destination_sources (destination_id, source_id) VALUES ($1, $2)', [id, sourceId]);
    });
    await stack.untilServed(id);
    return id;
  }

  /** Deliveries of these destinations not yet ended, and all of them. */
  async function deliveryCounts(destinationIds: string[]): Promise<{ open: number; all: number }> {
    return withDb(stack.env.DATABASE_URL, async (db) => {
      const { rows } = await db.query<{ open: number; all: number }>(
        `SELECT count(*) FILTER (WHERE status NOT IN ('delivered', 'failed', 'skipped'))::int AS open,
                count(*)::int AS all
           FROM deliveries WHERE destination_id = ANY($1::uuid[])`,
        [destinationIds],
      );
      return rows[0];
    });
  }

  async function storedCount(sourceId: string): Promise<number> {
    return withDb(
      stack.env.DATABASE_URL,
      async (db) =>
        (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM events WHERE source_id = $1', [sourceId]))
          .rows[0].n,
    );
  }

  async function attemptsWithRequest(destinationIds: string[]): Promise<number> {
    return withDb(
      stack.env.DATABASE_URL,
      async (db) =>
        (
          await db.query<{ n: number }>(
            `SELECT count(*)::int AS n FROM delivery_attempts a JOIN deliveries d ON d.id = a.delivery_id
              WHERE d.destination_id = ANY($1::uuid[]) AND a.request_method IS NOT NULL`,
            [destinationIds],
          )
        ).rows[0].n,
    );
  }

  it('every acknowledged event delivered exactly once per destination, one ingest and one worker killed', async () => {
    const seeded = await stack.scenario();
    const second = await addDestination(seeded.sourceId);
    const destinations = [seeded.destinationId, second];
    // Slow answers, so that the doomed worker has requests in flight when it dies.
    await stack.fake.fault({ match: { method: 'POST', path: '/v2/events' }, latencyMs: 200 });
    loads.push(...ingest.map((app, i) => new SteadyLoad(urlOf(app), seeded.writeKey, `ingest${i}`, 50)));
    for (const load of loads) load.start();
    for (const load of loads) await load.untilAcked(200, 60000);
    await Promise.all([ingest[0].stop('SIGKILL'), workers[0].stop('SIGKILL')]);
    const killedAt = Date.now();
    // The client sees the dead ingest refuse; the live one keeps acknowledging.
    await loads[0].untilAnswered(0, killedAt, 60000);
    await loads[0].stop();
    await loads[1].untilAcked(loads[1].acked().size + 200, 60000);
    await loads[1].stop();
    // As a Segment client behind a load balancer: what was never acknowledged (by the dead process, or by the
    // live one on a loaded machine) is sent again, to the live one.
    const unacked = [...loads[0].unacked(), ...loads[1].unacked()];
    const retry = new SteadyLoad(urlOf(ingest[1]), seeded.writeKey, 'retry', 1);
    for (let i = 0; i < unacked.length; i += 50) await Promise.all(unacked.slice(i, i + 50).map((m) => retry.send(m)));
    await retry.retryUntilAcked(60000);
    expect(retry.unacked()).toEqual([]);
    expect(loads[0].unacked().length).toBeGreaterThan(0);
    const acked = new Set([...loads[0].acked(), ...loads[1].acked(), ...retry.acked()]);

    // Once every delivery has ended and the fake has answered everything, the requests the killed worker sent
    // but could not record are the fake's requests less the attempt rows.
    const stored = await storedCount(seeded.sourceId);
    await waitFor(
      'every delivery of both destinations ended',
      async () => {
        const c = await deliveryCounts(destinations);
        return c.open === 0 && c.all === 2 * stored;
      },
      90000,
      200,
    );
    const requests = await waitFor(
      'every captured request answered',
      async () => {
        const list = await stack.fake.requests({ method: 'POST', path: '/v2/events' });
        const before = Date.now() - 2000;
        return list.every((r) => r.status !== null || Date.parse(r.receivedAt) < before) ? list : null;
      },
      60000,
      1000,
    );
    const unaudited = requests.length - (await attemptsWithRequest(destinations));
    await stack.clearFaults();

    const r = await reconcile(stack, seeded, acked, {
      unaudited,
      timeoutMs: 60000,
      destinations: destinations.map((destinationId) => ({ destinationId })),
    });
    expect(r.stored).toBeGreaterThanOrEqual(acked.size);
    // Each request the dead worker could not record was re-sent with its key and answered from FullStory's record
    // (reconcile matched every identity at the fake to an attempt row). A request that timed out on this loaded
    // machine was recorded, and its retry is answered from the record too: hence at least, not exactly.
    expect(r.replayed).toBeGreaterThanOrEqual(unaudited);

    // Every key of a destination's queue lives in one hash slot (one node); BullMQ's scripts need that.
    const byNode = await cluster.keysByNode(`${stack.env.QUEUE_PREFIX}:*`);
    const slots: Record<string, number[]> = {};
    for (const id of destinations) {
      const keys = [...byNode.values()].flat().filter((k) => k.includes(deliveryQueueName(id)));
      expect(keys.length).toBeGreaterThan(0);
      slots[id] = [...new Set(await cluster.slotsOf(keys))];
      expect(slots[id]).toHaveLength(1);
      expect([...byNode.values()].filter((ks) => ks.some((k) => k.includes(deliveryQueueName(id))))).toHaveLength(1);
    }
    const perNode = [...byNode].map(([port, keys]) => `${port}:${keys.length}`);
    const answers = loads.map((l) => l.statusCounts());
    console.log(`cluster: ${JSON.stringify({ ...r, unaudited, unacked: unacked.length, answers, slots, perNode })}`);
  });

  it('leaks no secret: logs, job payloads on every node, audit rows, API answers', async () => {
    expect(await scanForSecrets(stack)).toEqual([]);
    await stack.stopAll();
    expect(await scanForSecrets(stack)).toEqual([]);
  });
});
