/** Steps of npm run bench (bench/full.bench.ts) that measure one stage each: ingest, and the delivery drain. */
import { Queue } from 'bullmq';
import { randomUUID } from 'crypto';
import { Pool as PgPool } from 'pg';
import Redis from 'ioredis';
import { deliveryGroupIndexKey, deliveryQueueName } from '@fsd/platform';
import {
  FAKE_PORT,
  INGEST_PORT,
  deliveredCount,
  destinationControl,
  fakeBaseline,
  postBatches,
  sleep,
  warmUp,
} from './full-scenarios';
import { benchBatchReplay } from './batch-replay.bench';
import { benchIngest } from './ingest.bench';
import { BenchApp, fmt } from './support';
import {
  StackCpuPerEvent,
  backendCpu,
  cpuSince,
  machineCpuTicks,
  mainThreadSchedule,
  redisCpuSeconds,
  scheduleText,
} from './cpu-meter';

export interface Figure {
  name: string;
  value: number | null;
  unit: string;
  baseline?: { name: string; value: number };
  goal?: { text: string; met: boolean };
  note?: string;
}

export async function ingestStep(
  figures: Figure[],
  rss: Record<string, number>,
  goalEventsPerSec: number,
  env: Record<string, string>,
): Promise<void> {
  process.stderr.write('ingest...\n');
  Object.assign(process.env, env);
  const ingest = await benchIngest();
  for (const key of Object.keys(env)) delete process.env[key];
  rss['ingest-api'] = ingest.peakRssMb;
  for (const r of ingest.rows) {
    figures.push({
      name: `ingest ${r.name}: events/s`,
      value: r.eventsPerSec,
      unit: 'events/s',
      baseline: r.baseline ? { name: 'raw multi-row INSERT', value: r.baseline } : undefined,
      goal: r.name.startsWith('/v1/batch')
        ? { text: `≥ ${fmt(goalEventsPerSec)}`, met: r.eventsPerSec >= goalEventsPerSec }
        : undefined,
    });
    figures.push({ name: `ingest ${r.name}: ack p50 / p99`, value: r.p50, unit: `ms / ${fmt(r.p99, 1)} ms` });
  }
}

async function resetFake(): Promise<void> {
  await fetch(`http://127.0.0.1:${FAKE_PORT}/__fake/reset`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
  });
}

/** Deliveries a new worker makes before the measured drain (BENCH_WARMUP_EVENTS; 0 measures a cold worker). */
const WARMUP_EVENTS = Number(process.env.BENCH_WARMUP_EVENTS ?? 5000);
/** The bare client's unmeasured run before its first baseline (the worker has WARMUP_EVENTS; the fake and client this). */
const BASELINE_WARMUP_SECONDS = 3;

/**
 * A backlog of `events` enqueued with the destination paused, then drained by a warm worker (`startWorker` starts
 * it, and it delivers WARMUP_EVENTS first). The baseline, a bare keep-alive client posting the same bodies to the
 * same fake, is measured just before and just after the drain (the machine is shared; their mean is the baseline,
 * both are printed).
 */
export async function deliveryStep(
  pg: PgPool,
  seeded: { destinationId: string; auth: string },
  opts: {
    events: number;
    prefix: string;
    redisUrl: string;
    goalRatio: number;
    fake: BenchApp;
    startWorker: () => Promise<BenchApp>;
  },
  figures: Figure[],
): Promise<{ worker: BenchApp; rate: number }> {
  const { events, prefix, redisUrl, goalRatio } = opts;
  process.stderr.write('fake baseline...\n');
  // Unmeasured first: a fresh fake and client are slower until compiled (a fresh fake's first 3 s gave 7,100-7,250
  // requests/s in three runs, the next 3 s 10,000-11,000). Measured cold, the before-baseline read low and the ratio
  // high: over five drains it averaged 5,400 against 8,100 after the drain.
  await fakeBaseline(BASELINE_WARMUP_SECONDS);
  const before = await fakeBaseline(5);
  await resetFake();
  const deliveredSoFar = () => deliveredCount(pg, seeded.destinationId);
  // A worker in service is warm (warmUp): the worker delivers WARMUP_EVENTS first; the destination is then paused
  // (nothing sent, jobs held) while the backlog is enqueued, and the drain is measured from its resume. (Four alternating runs with and
  // without the warm-up showed no difference on a noisy machine: the compiling is a few % of the whole drain.)
  process.stderr.write(`warming the worker up with ${WARMUP_EVENTS} events...\n`);
  const worker = await opts.startWorker();
  await warmUp(pg, seeded, WARMUP_EVENTS);
  await destinationControl(seeded.destinationId, 'pause');
  process.stderr.write(`enqueueing ${events} events (destination paused)...\n`);
  const measuredSince = (await pg.query<{ t: Date }>('SELECT now() AS t')).rows[0].t;
  await postBatches(`http://127.0.0.1:${INGEST_PORT}`, seeded.auth, events, randomUUID().slice(0, 8));
  const queue = new Queue(deliveryQueueName(seeded.destinationId), {
    connection: { host: new URL(redisUrl).hostname, port: Number(new URL(redisUrl).port || 6379) },
    prefix,
  });
  // Deliveries queued: in group jobs (each named in the queue's group index) or, with DELIVERY_GROUP_MAX=1, in a job
  // each.
  const groupIndex = deliveryGroupIndexKey(prefix, seeded.destinationId);
  const redis = new Redis(redisUrl);
  const queued = async () => {
    const counts = await queue.getJobCounts('waiting', 'paused');
    const jobs = (counts.waiting ?? 0) + (counts.paused ?? 0);
    return { jobs, deliveries: Math.max(jobs, await redis.hlen(groupIndex)) };
  };
  const enqueueDeadline = Date.now() + 30000;
  let held = await queued();
  while (held.deliveries < events && Date.now() < enqueueDeadline) {
    await sleep(200);
    held = await queued();
  }
  const { deliveries: waiting, jobs: jobsQueued } = held;
  redis.disconnect();
  await queue.close();

  process.stderr.write('delivering...\n');
  const cpuBefore = worker.cpuSeconds();
  const fakeCpuBefore = opts.fake.cpuSeconds();
  const pgBefore = await backendCpu(pg);
  const redisBefore = await redisCpuSeconds(redisUrl);
  const xactBefore = await transactions(pg);
  const scheduleBefore = { thread: mainThreadSchedule(worker.child.pid), machine: machineCpuTicks(), at: Date.now() };
  await destinationControl(seeded.destinationId, 'resume');
  const drainDeadline = Date.now() + 300_000;
  while ((await deliveredSoFar()) < WARMUP_EVENTS + events && Date.now() < drainDeadline) await sleep(250);
  const schedule = scheduleText(
    scheduleBefore.thread,
    mainThreadSchedule(worker.child.pid),
    scheduleBefore.machine,
    machineCpuTicks(),
    (Date.now() - scheduleBefore.at) / 1000,
  );
  // One scan of each table. The attempts are the drain's by their start (none starts while the destination is paused),
  // so they need no join (the scalar subqueries run once); a join or a LATERAL subquery, planned on statistics still
  // from before the backlog, became a nested loop re-scanning delivery_attempts per delivered row: minutes at 30,000.
  const span = (
    await pg.query<{ n: string; seconds: number; attempts: string }>(
      `SELECT count(*) AS n,
              extract(epoch FROM max(delivered_at) - (SELECT min(started_at) FROM delivery_attempts WHERE started_at >= $2))
                AS seconds,
              (SELECT count(*) FROM delivery_attempts WHERE decision = 'delivered' AND started_at >= $2) AS attempts
         FROM deliveries WHERE destination_id = $1 AND status = 'delivered' AND logged_at >= $2`,
      [seeded.destinationId, measuredSince],
    )
  ).rows[0];
  const delivered = Number(span.n);
  const rate = delivered / Number(span.seconds);
  // What a delivery costs the worker, whatever else the machine runs (the rate is bounded by its share of CPU).
  const perDelivery = (seconds: number) => (seconds * 1000) / Math.max(1, delivered);
  const workerCpuMs = perDelivery(worker.cpuSeconds() - cpuBefore);
  const fakeCpuMs = perDelivery(opts.fake.cpuSeconds() - fakeCpuBefore);
  const pgCpuMs = perDelivery(cpuSince(pgBefore, await backendCpu(pg)));
  const redisCpuMs = perDelivery((await redisCpuSeconds(redisUrl)) - redisBefore);
  process.stderr.write('fake baseline again...\n');
  const after = await fakeBaseline(5);
  await resetFake();
  const xactPerDelivery = ((await transactions(pg)) - xactBefore) / Math.max(1, delivered);
  const baseline = (before + after) / 2;
  figures.push({
    name: `delivery: ${fmt(delivered)} of ${fmt(events)} delivered with audit by a warm worker (${fmt(Number(span.attempts))} attempt rows, ${fmt(waiting)} queued in ${fmt(jobsQueued)} jobs; baseline ${fmt(before)} before (after ${BASELINE_WARMUP_SECONDS} s unmeasured), ${fmt(after)} after the drain)`,
    value: rate,
    unit: 'deliveries/s',
    baseline: { name: 'bare keep-alive client → fake, mean', value: baseline },
    goal: { text: `≥ ${goalRatio}× the bare client`, met: rate >= goalRatio * baseline },
  });
  figures.push({
    name: `delivery: CPU per delivery (user + system) of the worker; of Postgres (this database's backends) ${fmt(pgCpuMs, 2)} ms in ${fmt(xactPerDelivery, 2)} transactions, of the fake ${fmt(fakeCpuMs, 2)} ms, of Redis (the whole server) ${fmt(redisCpuMs, 2)} ms`,
    value: workerCpuMs,
    unit: 'ms',
    note: `over the drain: ${schedule}`,
  });
  return { worker, rate };
}

/** Batch replay (bench/batch-replay.bench.ts): its own database and apps, beside the raw INSERT ceiling. */
export async function batchReplayStep(figures: Figure[], rss: Record<string, number>) {
  process.stderr.write('batch replay...\n');
  const batchReplay = await benchBatchReplay();
  figures.push({
    name: `batch replay of ${fmt(batchReplay.batch.events)} events (identify + track, ${fmt(batchReplay.batch.delivered)} delivered)`,
    value: batchReplay.batch.rate,
    unit: 'events/s',
    baseline: { name: 'raw multi-row INSERT of event rows', value: batchReplay.insertCeiling },
    goal: {
      text: `≥ 0.2× the INSERT ceiling`,
      met: batchReplay.batch.rate >= 0.2 * batchReplay.insertCeiling,
    },
  });
  figures.push({
    name: `per-event replay of ${fmt(batchReplay.perEvent.events)} events (same run as the batch replay)`,
    value: batchReplay.perEvent.rate,
    unit: 'events/s',
    baseline: { name: 'raw multi-row INSERT of event rows', value: batchReplay.insertCeiling },
  });
  rss['delivery-worker (batch replay)'] = batchReplay.peakRssMb.worker;
  return batchReplay;
}

/** Transactions committed in the bench's database so far (the statistics lag by up to a second). */
async function transactions(pg: PgPool): Promise<number> {
  await sleep(1100);
  const { rows } = await pg.query<{ n: string }>(
    'SELECT xact_commit AS n FROM pg_stat_database WHERE datname = current_database()',
  );
  return Number(rows[0].n);
}

/**
 * The latency step's CPU per event, part by part, from the generator's start to its end: at a steady rate the
 * stack's groups are small (claims, checks and audit writes of a tick), so an event costs more than in the drain.
 * The total at the offered rate against two cores estimates how busy the machine was; over 100% means the stack
 * fell behind (it was still working off the earlier run, or the generator took longer than its seconds).
 */
export function latencyCpuFigure(cpu: StackCpuPerEvent & { generator: number }, rate: number): Figure {
  const total = Object.values(cpu).reduce((a, b) => a + b, 0);
  const busy = (total * rate) / 1000 / 2;
  return {
    name: `the same run, CPU per event: ingest ${fmt(cpu.ingest, 2)} ms, worker ${fmt(cpu.worker, 2)}, Postgres ${fmt(cpu.postgres, 2)}, Redis ${fmt(cpu.redis, 2)}, the fake ${fmt(cpu.fake, 2)}, the load generator ${fmt(cpu.generator, 2)}; at this rate ~${fmt(busy * 100)}% of two cores`,
    value: total,
    unit: 'ms',
  };
}
