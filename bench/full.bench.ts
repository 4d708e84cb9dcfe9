/**
 * npm run bench — the whole stack (compiled apps, real Postgres and Redis, a zero-latency fake FullStory):
 * ingest, delivery with audit, end-to-end latency, replay and peak memory, each beside a baseline and a
 * goal. Prints a table and writes bench/results.json.
 *
 * BENCH_PROFILE=1 profiles the apps (CPU, through the inspector) and prints their top self-time functions.
 */
import { Queue } from 'bullmq';
import { randomUUID } from 'crypto';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'fs';
import path from 'path';
import { Pool as PgPool } from 'pg';
import { deliveryQueueName, prepareDatabase } from '@fsd/platform';
import {
  ADMIN_TOKEN,
  FAKE_PORT,
  INGEST_PORT,
  REPLAY_EVENTS,
  WORKER_PORT,
  count,
  fakeBaseline,
  postBatches,
  replayRate,
  sleep,
  steadyLatency,
} from './full-scenarios';
import { benchBatchReplay } from './batch-replay.bench';
import { benchIngest } from './ingest.bench';
import {
  BENCH_SECRETS_KEY,
  BenchApp,
  ROOT,
  deleteRedisPrefix,
  fmt,
  recreateDatabase,
  seedBenchSource,
  startBenchApp,
} from './support';
import { summariseProfiles } from './profile';

const DB = process.env.BENCH_FULL_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/fsd_bench_full';
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const DELIVERY_EVENTS = Number(process.env.BENCH_DELIVERY_EVENTS ?? 30_000);
const PROFILE_DIR = path.join(ROOT, 'tmp', 'bench-profiles');
const PROFILE = process.env.BENCH_PROFILE === '1';
const PREFIX = `benchfull_${Date.now()}`;

const GOALS = {
  ingestEventsPerSec: 10_000,
  deliveriesPerSec: 3_000,
  e2eP99Ms: 100,
  replayEventsPerSec: 5_000,
  rssMb: 300,
};

interface Figure {
  name: string;
  value: number | null;
  unit: string;
  baseline?: { name: string; value: number };
  goal?: { text: string; met: boolean };
  note?: string;
}

/** Every app this run started, stopped on failure too. */
const started: BenchApp[] = [];

async function start(app: string, port: number): Promise<BenchApp> {
  const running = await startBenchApp(app, appEnv(app), port);
  started.push(running);
  return running;
}

/** Profiles an app through bench/cpu-profile-hook (node does not take --cpu-prof in NODE_OPTIONS). */
function profileEnv(app: string): Record<string, string> {
  return {
    NODE_OPTIONS: `--require ${path.join(__dirname, 'cpu-profile-hook.js')}`,
    BENCH_CPU_PROFILE_DIR: path.join(PROFILE_DIR, app),
  };
}

function appEnv(app: string): Record<string, string> {
  const env: Record<string, string> = {
    DATABASE_URL: DB,
    REDIS_URL,
    QUEUE_PREFIX: PREFIX,
    ADMIN_TOKEN,
    SECRETS_KEY: BENCH_SECRETS_KEY,
    SEED_DEV_DATA: 'false',
    LOG_LEVEL: 'warn',
    INGEST_PORT: String(INGEST_PORT),
    INGEST_DB_POOL_SIZE: '16',
    WORKER_PORT: String(WORKER_PORT),
    FAKE_FULLSTORY_PORT: String(FAKE_PORT),
    FULLSTORY_BASE_URL: `http://127.0.0.1:${FAKE_PORT}`,
    DESTINATION_REFRESH_MS: '1000',
    // The fake keeps what it captured in memory; the bench needs only the recent requests.
    FAKE_FULLSTORY_MAX_CAPTURED: '20000',
    FAKE_FULLSTORY_MAX_EVENTS: '20000',
  };
  if (PROFILE) Object.assign(env, profileEnv(app));
  return env;
}

async function main(): Promise<void> {
  rmSync(PROFILE_DIR, { recursive: true, force: true });
  if (PROFILE)
    for (const a of ['ingest-api', 'delivery-worker', 'fake-fullstory'])
      mkdirSync(path.join(PROFILE_DIR, a), { recursive: true });
  const figures: Figure[] = [];
  const rss: Record<string, number> = {};

  // 1. Ingest (bench/ingest.bench.ts): batches and single calls, beside raw multi-row INSERTs.
  process.stderr.write('ingest...\n');
  if (PROFILE) Object.assign(process.env, profileEnv('ingest-api'));
  const ingest = await benchIngest();
  delete process.env.NODE_OPTIONS;
  delete process.env.BENCH_CPU_PROFILE_DIR;
  rss['ingest-api'] = ingest.peakRssMb;
  for (const r of ingest.rows) {
    figures.push({
      name: `ingest ${r.name}: events/s`,
      value: r.eventsPerSec,
      unit: 'events/s',
      baseline: r.baseline ? { name: 'raw multi-row INSERT', value: r.baseline } : undefined,
      goal: r.name.startsWith('/v1/batch')
        ? { text: `≥ ${fmt(GOALS.ingestEventsPerSec)}`, met: r.eventsPerSec >= GOALS.ingestEventsPerSec }
        : undefined,
    });
    figures.push({ name: `ingest ${r.name}: ack p50 / p99`, value: r.p50, unit: `ms / ${fmt(r.p99, 1)} ms` });
  }

  // 2. Delivery: a backlog enqueued with the worker stopped, then drained.
  await recreateDatabase(DB);
  await prepareDatabase(DB);
  const pg = new PgPool({ connectionString: DB, max: 4 });
  const seeded = await seedBenchSource(pg);
  const fake = await start('fake-fullstory', FAKE_PORT);
  process.stderr.write('fake baseline...\n');
  const fakeCeiling = await fakeBaseline(5);
  await fetch(`http://127.0.0.1:${FAKE_PORT}/__fake/reset`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
  });
  const ingestApp = await start('ingest-api', INGEST_PORT);
  process.stderr.write(`enqueueing ${DELIVERY_EVENTS} events...\n`);
  await postBatches(`http://127.0.0.1:${INGEST_PORT}`, seeded.auth, DELIVERY_EVENTS, randomUUID().slice(0, 8));
  const queue = new Queue(deliveryQueueName(seeded.destinationId), {
    connection: { host: new URL(REDIS_URL).hostname, port: Number(new URL(REDIS_URL).port || 6379) },
    prefix: PREFIX,
  });
  const enqueueDeadline = Date.now() + 30000;
  while ((await queue.getWaitingCount()) < DELIVERY_EVENTS && Date.now() < enqueueDeadline) await sleep(200);
  const waiting = await queue.getWaitingCount();
  await queue.close();

  process.stderr.write('delivering...\n');
  const worker = await start('delivery-worker', WORKER_PORT);
  const deliveredSql = `SELECT count(*) AS n FROM deliveries WHERE destination_id = $1 AND status = 'delivered'`;
  const drainDeadline = Date.now() + 300_000;
  while ((await count(pg, deliveredSql, [seeded.destinationId])) < DELIVERY_EVENTS && Date.now() < drainDeadline) {
    await sleep(250);
  }
  // One scan of each table. The database holds only this phase's deliveries so far, so the attempts need no join
  // (the scalar subqueries run once); a join or a LATERAL subquery, planned on statistics still from before the
  // backlog, became a nested loop re-scanning delivery_attempts per delivered row: minutes at 30,000 deliveries.
  const span = (
    await pg.query<{ n: string; seconds: number; attempts: string }>(
      `SELECT count(*) AS n, extract(epoch FROM max(delivered_at) - (SELECT min(started_at) FROM delivery_attempts)) AS seconds,
              (SELECT count(*) FROM delivery_attempts WHERE decision = 'delivered') AS attempts
         FROM deliveries WHERE destination_id = $1 AND status = 'delivered'`,
      [seeded.destinationId],
    )
  ).rows[0];
  const delivered = Number(span.n);
  const deliveryRate = delivered / Number(span.seconds);
  figures.push({
    name: `delivery: ${fmt(delivered)} of ${fmt(DELIVERY_EVENTS)} delivered with audit (${fmt(Number(span.attempts))} attempt rows, ${fmt(waiting)} jobs queued)`,
    value: deliveryRate,
    unit: 'deliveries/s',
    baseline: { name: 'bare keep-alive client → fake', value: fakeCeiling },
    goal: { text: `≥ ${fmt(GOALS.deliveriesPerSec)}`, met: deliveryRate >= GOALS.deliveriesPerSec },
  });

  // 3. End-to-end latency at a steady 1,000 events/s.
  process.stderr.write('end-to-end latency...\n');
  const e2e = await steadyLatency(seeded.auth);
  figures.push({
    name: `end-to-end at ${fmt(e2e.rate)} events/s, acknowledged → received: p50 / p99`,
    value: e2e.ackP50,
    unit: `ms / ${fmt(e2e.ackP99, 1)} ms`,
    goal: { text: `p99 < ${GOALS.e2eP99Ms} ms`, met: e2e.ackP99 < GOALS.e2eP99Ms },
    note: e2e.missing > 0 ? `${e2e.missing} acknowledged events not seen at the fake within 20 s` : undefined,
  });
  figures.push({
    name: 'end-to-end, sent → received: p50 / p99',
    value: e2e.sendP50,
    unit: `ms / ${fmt(e2e.sendP99, 1)} ms`,
  });

  // 4. Replay.
  process.stderr.write('replay...\n');
  const replay = await replayRate(pg, seeded);
  if (replay === null) {
    console.log('replay: not available');
    figures.push({ name: 'replay', value: null, unit: 'not available (GET /admin/replays is not 200)' });
  } else {
    figures.push({
      name: `replay of ${fmt(REPLAY_EVENTS)} events (${replay.completed ? 'completed' : `stopped after ${fmt(replay.seconds)} s`}, ${fmt(replay.delivered)} delivered)`,
      value: replay.rate,
      unit: 'events/s',
      baseline: { name: 'delivery backlog drain', value: deliveryRate },
      goal: { text: `≥ ${fmt(GOALS.replayEventsPerSec)}`, met: replay.rate >= GOALS.replayEventsPerSec },
    });
  }

  rss['ingest-api'] = Math.max(rss['ingest-api'], ingestApp.peakRssMb());
  rss['delivery-worker'] = worker.peakRssMb();
  rss['fake-fullstory'] = fake.peakRssMb();
  for (const app of [worker, ingestApp, fake]) await app.stop();
  await pg.end();
  await deleteRedisPrefix(PREFIX, REDIS_URL);
  await recreateDatabase(DB);
  // 5. Batch replay (bench/batch-replay.bench.ts): its own database and apps, beside the raw INSERT ceiling.
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
  for (const [name, mb] of Object.entries(rss)) {
    figures.push({
      name: `peak RSS ${name}`,
      value: mb,
      unit: 'MB',
      goal: name === 'fake-fullstory' ? undefined : { text: `< ${GOALS.rssMb} MB`, met: mb < GOALS.rssMb },
    });
  }

  console.log('\nfull-stack benchmark (one machine: Postgres, Redis, load generator and the apps together)\n');
  console.log('| measurement | value | baseline | ratio | goal |');
  console.log('|---|---:|---:|---:|---|');
  for (const f of figures) {
    const value = f.value === null ? '—' : `${fmt(f.value, f.unit.startsWith('ms') ? 1 : 0)} ${f.unit}`;
    const base = f.baseline ? `${fmt(f.baseline.value)} (${f.baseline.name})` : '—';
    const ratio = f.baseline && f.value !== null ? fmt(f.value / f.baseline.value, 2) : '—';
    const goal = f.goal ? `${f.goal.text} ${f.goal.met ? 'met' : 'MISSED'}` : '—';
    console.log(`| ${f.name}${f.note ? ` (${f.note})` : ''} | ${value} | ${base} | ${ratio} | ${goal} |`);
  }
  const results = { at: new Date().toISOString(), goals: GOALS, figures, rssMb: rss, e2e, replay, batchReplay };
  writeFileSync(path.join(ROOT, 'bench', 'results.json'), JSON.stringify(results, null, 2) + '\n');
  console.log('\nwritten to bench/results.json');

  if (PROFILE) {
    for (const app of readdirSync(PROFILE_DIR)) {
      console.log(`\ntop self time, ${app}:`);
      for (const line of summariseProfiles(path.join(PROFILE_DIR, app), 15)) console.log(`  ${line}`);
    }
  }
}

main()
  .then(() => process.exit(0))
  .catch(async (e: unknown) => {
    console.error(e);
    // Never leave an app running behind a failed run.
    for (const app of started) await app.stop().catch(() => undefined);
    process.exit(1);
  });
