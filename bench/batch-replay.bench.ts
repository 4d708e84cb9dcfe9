/**
 * npm run bench:batch-replay — a replay of BENCH_BATCH_REPLAY_EVENTS (200,000) logged events (identify and track,
 * presets) in batch mode through the compiled apps into the fake, beside a per-event replay of
 * BENCH_PER_EVENT_REPLAY_EVENTS (20,000) and the raw Postgres INSERT ceiling of event rows measured in the same run
 * (multi-row INSERTs from a separate load-generator process, which also writes the log). Prints rates, ratios
 * and peak RSS. Target (issue 19): batch replay ≥ 0.2× the INSERT ceiling. BENCH_PARTITION_DAYS=90 gives its
 * database the daily partitions of that many past days, as one kept under the default retention holds.
 */
import { fork } from 'child_process';
import { randomUUID } from 'crypto';
import path from 'path';
import { Pool } from 'pg';
import { BATCH_REPLAY_QUEUE, SecretBox, apiKeyBinding, deliveryQueueName, prepareDatabase } from '@fsd/platform';
import {
  BENCH_SECRETS_KEY,
  BenchApp,
  addPastPartitions,
  ROOT,
  deleteRedisPrefix,
  fmt,
  processCpuSeconds,
  recreateDatabase,
  startBenchApp,
  waitForQueueWorkers,
} from './support';

// A database of this run's own (the load generator child is handed it): two runs at once on one fixed name
// dropped each other's database mid-run.
const DB = process.env.BENCH_BATCH_DATABASE_URL ?? `postgres://postgres@127.0.0.1:5432/fsd_bench_batch_${process.pid}`;
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const BATCH_EVENTS = Number(process.env.BENCH_BATCH_REPLAY_EVENTS ?? 200_000);
const PER_EVENT_EVENTS = Number(process.env.BENCH_PER_EVENT_REPLAY_EVENTS ?? 20_000);
const PARTITION_DAYS = Number(process.env.BENCH_PARTITION_DAYS ?? 0);
const CEILING_SECONDS = 8;
const TIMEOUT_S = Number(process.env.BENCH_BATCH_TIMEOUT_S ?? 600);
const PORT = Number(process.env.BENCH_BATCH_PORT ?? 3970);
const ADMIN_TOKEN = 'bench-admin-token-0123456789';
const PREFIX = `benchbatch_${Date.now()}`;
const TARGET_RATIO = 0.2;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function appEnv(): Record<string, string> {
  return {
    DATABASE_URL: DB,
    REDIS_URL,
    QUEUE_PREFIX: PREFIX,
    ADMIN_TOKEN,
    SECRETS_KEY: BENCH_SECRETS_KEY,
    SEED_DEV_DATA: 'false',
    LOG_LEVEL: 'warn',
    INGEST_PORT: String(PORT),
    WORKER_PORT: String(PORT + 1),
    FAKE_FULLSTORY_PORT: String(PORT + 2),
    FULLSTORY_BASE_URL: `http://127.0.0.1:${PORT + 2}`,
    DESTINATION_REFRESH_MS: '1000',
    FAKE_FULLSTORY_MAX_CAPTURED: '1000',
    FAKE_FULLSTORY_MAX_EVENTS: '1000',
  };
}

/** A source feeding a destination with both presets (identify → POST /v2/users, track → POST /v2/events). */
async function seedPair(pg: Pool, name: string): Promise<{ sourceId: string; destinationId: string }> {
  const sourceId = (
    await pg.query<{ id: string }>(
      `INSERT INTO sources (name, write_key_hash, write_key_hint) VALUES ($1, $2, 'bench') RETURNING id`,
      [name, randomUUID()],
    )
  ).rows[0].id;
  const destinationId = randomUUID();
  await pg.query(`INSERT INTO destinations (id, name, api_key_encrypted, presets) VALUES ($1, $2, $3, $4)`, [
    destinationId,
    name,
    new SecretBox(BENCH_SECRETS_KEY).seal('test-api-key', apiKeyBinding(destinationId)),
    JSON.stringify({ trackEvent: true, identifyUser: true }),
  ]);
  await pg.query('INSERT INTO destination_sources (destination_id, source_id) VALUES ($1, $2)', [
    destinationId,
    sourceId,
  ]);
  return { sourceId, destinationId };
}

/** Runs this file in a child process (the load generator): `ceiling` or `seed <sourceId> <count>`. */
function generator(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = fork(path.join(ROOT, 'tools/run.js'), ['bench/batch-replay.bench', ...args], {
      env: { ...process.env, BENCH_BATCH_DATABASE_URL: DB },
      stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    });
    let out = '';
    child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code) =>
      code === 0 ? resolve(out.trim()) : reject(new Error(`generator ${args[0]} exited ${code}`)),
    );
  });
}

function payload(i: number, type: 'identify' | 'track', runId: string): Record<string, unknown> {
  const base = {
    messageId: `${runId}-${i}`,
    userId: `bench-user-${i % 5000}`,
    timestamp: new Date().toISOString(),
    context: { library: { name: 'bench', version: '1.0.0' } },
  };
  return type === 'identify'
    ? { ...base, type, traits: { plan: 'pro', seats: i % 10 } }
    : { ...base, type, event: 'Bench Batch', properties: { revenue: i % 100, sku: `sku-${i % 50}` } };
}

/**
 * Multi-row INSERTs of event rows, 100 per statement, 8 at a time: the rows/s Postgres takes here, and the CPU
 * its backends spent per row (load on the machine stretches the first, hardly the second).
 */
async function ceiling(pool: Pool, sourceId: string): Promise<{ rate: number; cpuMsPerRow: number }> {
  const deadline = Date.now() + CEILING_SECONDS * 1000;
  let inserted = 0;
  let k = 0;
  const runId = `ceiling-${randomUUID().slice(0, 8)}`;
  // The 8 connections open before the measurement starts (their backends' CPU is counted from here).
  await Promise.all(Array.from({ length: 8 }, () => pool.query('SELECT 1')));
  const worker = async () => {
    while (Date.now() < deadline) {
      const values: string[] = [];
      const params: unknown[] = [sourceId];
      for (let i = 0; i < 100; i++) {
        const e = payload(k++, 'track', runId);
        const b = params.length;
        values.push(`(now(), $1, $${b + 1}, 'track', 'Ceiling', $${b + 2}, now(), $${b + 3}, $${b + 3})`);
        params.push(String(e.messageId), String(e.userId), JSON.stringify(e));
      }
      await pool.query(
        `INSERT INTO events (received_at, source_id, message_id, type, event_name, user_id, "timestamp", payload, raw)
         VALUES ${values.join(',')}`,
        params,
      );
      inserted += 100;
    }
  };
  const cpuBefore = await backendCpuSeconds(pool, CEILING_APP);
  await Promise.all(Array.from({ length: 8 }, worker));
  const cpu = (await backendCpuSeconds(pool, CEILING_APP)) - cpuBefore;
  await pool.query(`DELETE FROM events WHERE event_name = 'Ceiling'`);
  return { rate: inserted / CEILING_SECONDS, cpuMsPerRow: (cpu * 1000) / inserted };
}

const CEILING_APP = 'fsd-bench-ceiling';

/**
 * CPU seconds (from /proc) of this database's Postgres backends, or only those of one application_name: what
 * Postgres spent for the connections open now (the pools of the apps and of the load generator stay open).
 */
async function backendCpuSeconds(pool: Pool, applicationName?: string): Promise<number> {
  const { rows } = await pool.query<{ pid: number }>(
    `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()
        AND ($1::text IS NULL OR application_name = $1)`,
    [applicationName ?? null],
  );
  return rows.reduce((sum, r) => sum + processCpuSeconds(r.pid), 0);
}

/** The log: one identify per user first, then tracks, spread over the last day. */
async function seed(pool: Pool, sourceId: string, total: number): Promise<void> {
  const runId = `log-${randomUUID().slice(0, 8)}`;
  const users = Math.min(5000, Math.floor(total / 10));
  const CHUNK = 1000;
  for (let start = 0; start < total; start += CHUNK) {
    const values: string[] = [];
    const params: unknown[] = [sourceId];
    for (let i = start; i < Math.min(total, start + CHUNK); i++) {
      const type = i < users ? 'identify' : 'track';
      const e = payload(i, type, runId);
      const b = params.length;
      values.push(
        `(now() - interval '20 hours' + $${b + 1}::int * interval '100 microseconds', $1, $${b + 2}, $${b + 3}, $${b + 4}, $${b + 5}, now(), $${b + 6}, $${b + 6})`,
      );
      params.push(
        i,
        String(e.messageId),
        type,
        type === 'track' ? 'Bench Batch' : null,
        String(e.userId),
        JSON.stringify(e),
      );
    }
    await pool.query(
      `INSERT INTO events (received_at, source_id, message_id, type, event_name, user_id, "timestamp", payload, raw)
       VALUES ${values.join(',')}`,
      params,
    );
  }
  await pool.query('ANALYZE events');
}

async function admin(
  method: string,
  p: string,
  body?: unknown,
): Promise<{ status: number; body: Record<string, never> }> {
  const res = await fetch(`http://127.0.0.1:${PORT}${p}`, {
    method,
    headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, never> };
}

/**
 * Replays everything of a destination; events/s from POST to the last delivery settled, and the CPU Postgres and
 * the apps spent per event meanwhile.
 */
async function replay(pg: Pool, apps: BenchApp[], destinationId: string, total: number, mode: 'batch' | 'per-event') {
  const appCpu = () => apps.reduce((sum, a) => sum + a.cpuSeconds(), 0);
  const pgCpu0 = await backendCpuSeconds(pg);
  const appCpu0 = appCpu();
  const filter = {
    from: new Date(Date.now() - 24 * 3600_000).toISOString(),
    to: new Date(Date.now() + 60_000).toISOString(),
  };
  const started = Date.now();
  const created = await admin('POST', '/admin/replays', { destinationId, filter, ratePerSecond: 100_000, mode });
  if (created.status !== 202) throw new Error(`POST /admin/replays answered ${created.status}`);
  let last: Record<string, number | string> = {};
  while (Date.now() - started < TIMEOUT_S * 1000) {
    last = (await admin('GET', `/admin/replays/${created.body.id}`)).body;
    const settled = Number(last.delivered) + Number(last.failed) + Number(last.skipped);
    if (last.status === 'completed' && settled >= total) break;
    // Each poll counts the replay's deliveries (a scan of all of them): every 250 ms, that alone took a good
    // part of a core from the replay it measured. Every 2 s, as the ops page polls a replay it started.
    await sleep(2000);
  }
  // To the moment the last delivery settled (its row's updated_at), not to the poll that saw it: progress is
  // polled every 2 s, and a large replay's count is reused briefly (ReplayProgressCache).
  const settledAt = (
    await pg.query<{ at: Date | null }>(
      `SELECT max(updated_at) AS at FROM deliveries WHERE destination_id = $1 AND status IN ('delivered', 'failed', 'skipped')`,
      [destinationId],
    )
  ).rows[0].at;
  const seconds = ((settledAt?.getTime() ?? Date.now()) - started) / 1000;
  return {
    rate: Number(last.delivered) / seconds,
    seconds,
    delivered: Number(last.delivered),
    failed: Number(last.failed),
    pgCpuMsPerEvent: (((await backendCpuSeconds(pg)) - pgCpu0) * 1000) / total,
    appCpuMsPerEvent: ((appCpu() - appCpu0) * 1000) / total,
  };
}

interface ReplayFigures {
  rate: number;
  seconds: number;
  delivered: number;
  failed: number;
  events: number;
  /** CPU of the database's backends per event (ms), and of the three apps together. */
  pgCpuMsPerEvent: number;
  appCpuMsPerEvent: number;
}

export interface BatchReplayFigures {
  insertCeiling: number;
  /** Postgres CPU per row of the ceiling's INSERTs (ms): the load-independent side of the ratio. */
  ceilingCpuMsPerRow: number;
  batch: ReplayFigures;
  perEvent: ReplayFigures;
  peakRssMb: { worker: number; ingest: number; fake: number };
}

/** The whole measurement (also a step of npm run bench). */
export async function benchBatchReplay(): Promise<BatchReplayFigures> {
  await recreateDatabase(DB);
  await prepareDatabase(DB);
  const pg = new Pool({ connectionString: DB, max: 4 });
  if (PARTITION_DAYS > 0) await addPastPartitions(pg, PARTITION_DAYS);
  const batchPair = await seedPair(pg, 'bench batch');
  const perEventPair = await seedPair(pg, 'bench per-event');
  process.stderr.write('raw INSERT ceiling (load generator process)...\n');
  const measured = JSON.parse(await generator(['ceiling', batchPair.sourceId])) as {
    rate: number;
    cpuMsPerRow: number;
  };
  const insertCeiling = measured.rate;
  process.stderr.write(`writing the log: ${fmt(BATCH_EVENTS)} + ${fmt(PER_EVENT_EVENTS)} events...\n`);
  await generator(['seed', batchPair.sourceId, String(BATCH_EVENTS)]);
  if (PER_EVENT_EVENTS > 0) await generator(['seed', perEventPair.sourceId, String(PER_EVENT_EVENTS)]);
  const apps: BenchApp[] = [];
  try {
    apps.push(await startBenchApp('fake-fullstory', appEnv(), PORT + 2));
    apps.push(await startBenchApp('ingest-api', appEnv(), PORT));
    apps.push(await startBenchApp('delivery-worker', appEnv(), PORT + 1));
    await waitForQueueWorkers([BATCH_REPLAY_QUEUE, deliveryQueueName(perEventPair.destinationId)], {
      prefix: PREFIX,
      redisUrl: REDIS_URL,
    });
    process.stderr.write('batch replay...\n');
    const batch = await replay(pg, apps, batchPair.destinationId, BATCH_EVENTS, 'batch');
    process.stderr.write('per-event replay...\n');
    // BENCH_PER_EVENT_REPLAY_EVENTS=0 leaves the (slow) per-event replay out, e.g. while profiling batch mode.
    const perEvent =
      PER_EVENT_EVENTS > 0
        ? await replay(pg, apps, perEventPair.destinationId, PER_EVENT_EVENTS, 'per-event')
        : { rate: 0, seconds: 0, delivered: 0, failed: 0, pgCpuMsPerEvent: 0, appCpuMsPerEvent: 0 };
    const [fake, ingest, worker] = apps;
    return {
      insertCeiling,
      ceilingCpuMsPerRow: measured.cpuMsPerRow,
      batch: { ...batch, events: BATCH_EVENTS },
      perEvent: { ...perEvent, events: PER_EVENT_EVENTS },
      peakRssMb: { worker: worker.peakRssMb(), ingest: ingest.peakRssMb(), fake: fake.peakRssMb() },
    };
  } finally {
    for (const app of apps.reverse()) await app.stop().catch(() => undefined);
    await pg.end();
    await deleteRedisPrefix(PREFIX, REDIS_URL);
    await recreateDatabase(DB);
  }
}

function print(f: BatchReplayFigures): void {
  console.log('\nbatch replay benchmark (one machine: Postgres, Redis, load generator and the apps together)\n');
  console.log('| measurement | events | seconds | events/s | × INSERT ceiling |');
  console.log('|---|---:|---:|---:|---:|');
  console.log(
    `| raw Postgres multi-row INSERT of event rows | — | ${CEILING_SECONDS} | ${fmt(f.insertCeiling)} | 1.00 |`,
  );
  for (const [name, r] of [
    ['batch replay (v2 batch import jobs)', f.batch],
    ['per-event replay', f.perEvent],
  ] as const) {
    console.log(
      `| ${name}: ${fmt(r.delivered)} delivered, ${fmt(r.failed)} failed | ${fmt(r.events)} | ${fmt(r.seconds, 1)} | ${fmt(r.rate)} | ${fmt(r.rate / f.insertCeiling, 2)} |`,
    );
  }
  if (f.perEvent.rate > 0) console.log(`\nbatch ÷ per-event: ${fmt(f.batch.rate / f.perEvent.rate, 1)}×`);
  const ratio = f.batch.rate / f.insertCeiling;
  console.log(
    `target batch ≥ ${TARGET_RATIO}× ceiling: ${ratio >= TARGET_RATIO ? 'met' : 'MISSED'} (${fmt(ratio, 2)}×)`,
  );
  console.log(
    `Postgres CPU per row: INSERT ceiling ${fmt(f.ceilingCpuMsPerRow, 3)} ms; batch replay ${fmt(f.batch.pgCpuMsPerEvent, 3)} ms ` +
      `per event (${fmt(f.ceilingCpuMsPerRow / f.batch.pgCpuMsPerEvent, 2)}× the ceiling's rows per CPU second), ` +
      `apps ${fmt(f.batch.appCpuMsPerEvent, 3)} ms per event`,
  );
  console.log(
    `peak RSS: delivery-worker ${fmt(f.peakRssMb.worker)} MB, ingest-api ${fmt(f.peakRssMb.ingest)} MB, fake-fullstory ${fmt(f.peakRssMb.fake)} MB`,
  );
}

async function child(mode: string, args: string[]): Promise<void> {
  const pool = new Pool({ connectionString: DB, max: 8, application_name: CEILING_APP });
  try {
    if (mode === 'ceiling') process.stdout.write(JSON.stringify(await ceiling(pool, args[0])));
    else await seed(pool, args[0], Number(args[1]));
  } finally {
    await pool.end();
  }
}

if (require.main === module) {
  const [mode, ...args] = process.argv.slice(2);
  (mode === 'ceiling' || mode === 'seed' ? child(mode, args) : benchBatchReplay().then(print))
    .then(() => process.exit(0))
    .catch((e: unknown) => {
      console.error(e);
      process.exit(1);
    });
}
