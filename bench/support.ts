import { ChildProcess, spawn } from 'child_process';
import { randomUUID } from 'crypto';
import { Queue } from 'bullmq';
import { SecretBox, apiKeyBinding, appNodeFlags, generateWriteKey, hashWriteKey, prepareDatabase } from '@fsd/platform';
import path from 'path';
import { Client, Pool } from 'pg';
import { createWriteStream, existsSync, readFileSync } from 'fs';

/** The repository root, whether this runs from bench/ or from dist/bench/. */
export const ROOT = existsSync(path.resolve(__dirname, '../package.json'))
  ? path.resolve(__dirname, '..')
  : path.resolve(__dirname, '../..');

export interface BenchApp {
  child: ChildProcess;
  port: number;
  peakRssMb(): number;
  /** CPU seconds (user + system) the app has used so far, from /proc: its cost per event, whatever else runs. */
  cpuSeconds(): number;
  stop(): Promise<void>;
}

/** Starts a compiled app (dist/) and samples its RSS from /proc while it runs. */
export async function startBenchApp(app: string, env: Record<string, string>, port: number): Promise<BenchApp> {
  // BENCH_PROFILE_DIR=/tmp/x writes a V8 CPU profile of each app there, to find the bottleneck.
  const profile = process.env.BENCH_PROFILE_DIR
    ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}`]
    : [];
  const childEnv = { ...process.env, ...env, NODE_ENV: 'test' };
  // Started as shipped: with the Docker image's heap cap (platform's app-heap), unless NODE_OPTIONS names one.
  // BENCH_GC_LOG_DIR=/tmp/x writes each app's garbage collections (--trace-gc, its stdout) to a file there.
  const gcLogDir = process.env.BENCH_GC_LOG_DIR;
  const flags = [...profile, ...appNodeFlags(childEnv), ...(gcLogDir ? ['--trace-gc'] : [])];
  const child = spawn(process.execPath, [...flags, path.join(ROOT, 'tools/run-dist.js'), `apps/${app}/src/main`], {
    cwd: ROOT,
    env: childEnv,
    stdio: ['ignore', gcLogDir ? 'pipe' : 'ignore', 'pipe'],
  });
  // Named by the app and its start (epoch ms): the trace's times count from the start.
  if (gcLogDir) child.stdout?.pipe(createWriteStream(path.join(gcLogDir, `${app}-${Date.now()}.log`)));
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
    if (process.env.BENCH_SHOW_STDERR) process.stderr.write(d);
  });
  let peak = 0;
  const sampler = setInterval(() => {
    try {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      const m = /VmRSS:\s+(\d+) kB/.exec(status);
      if (m) peak = Math.max(peak, Number(m[1]) / 1024);
    } catch {
      // process gone
    }
  }, 200);
  const healthPath = app === 'fake-fullstory' ? '/__fake/requests?since=2999-01-01T00:00:00Z' : '/health';
  const deadline = Date.now() + 30000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${app} exited: ${stderr}`);
    try {
      if ((await fetch(`http://127.0.0.1:${port}${healthPath}`)).ok) break;
    } catch {
      // not yet
    }
    if (Date.now() > deadline) throw new Error(`${app} did not start: ${stderr}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    child,
    port,
    peakRssMb: () => Math.round(peak),
    cpuSeconds: () => processCpuSeconds(child.pid),
    async stop() {
      clearInterval(sampler);
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    },
  };
}

const CLOCK_TICKS_PER_SECOND = 100;

/** utime + stime of a process (fields 14 and 15 of /proc/<pid>/stat, in clock ticks); 0 once it is gone. */
export function processCpuSeconds(pid: number | undefined): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces: count fields from the closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

export async function recreateDatabase(url: string): Promise<void> {
  const u = new URL(url);
  const name = u.pathname.slice(1);
  u.pathname = '/postgres';
  const c = new Client({ connectionString: u.toString() });
  await c.connect();
  await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await c.end();
}

/** The value at percentile `p` (0–100) of ascending `sorted`; NaN when empty. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export function fmt(n: number, digits = 0): string {
  return n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

/** SECRETS_KEY of the apps a benchmark starts: the seeded destination's API key is encrypted under it. */
export const BENCH_SECRETS_KEY = 'bench-secrets-key-0123456789';

/**
 * One source (with a fresh write key) feeding one destination that sends tracks only. Returns the
 * HTTP Basic header of the write key.
 */
export async function seedBenchSource(pg: Pool): Promise<{ sourceId: string; destinationId: string; auth: string }> {
  const writeKey = generateWriteKey();
  const sourceId = (
    await pg.query<{ id: string }>(
      `INSERT INTO sources (name, write_key_hash, write_key_hint) VALUES ('bench', $1, 'bench') RETURNING id`,
      [hashWriteKey(writeKey)],
    )
  ).rows[0].id;
  const destinationId = randomUUID();
  await pg.query(`INSERT INTO destinations (id, name, api_key_encrypted, presets) VALUES ($1, 'bench', $2, $3)`, [
    destinationId,
    new SecretBox(BENCH_SECRETS_KEY).seal('test-api-key', apiKeyBinding(destinationId)),
    JSON.stringify({ trackEvent: true, identifyUser: false }),
  ]);
  await pg.query('INSERT INTO destination_sources (destination_id, source_id) VALUES ($1, $2)', [
    destinationId,
    sourceId,
  ]);
  return { sourceId, destinationId, auth: `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}` };
}

export function event(i: number, runId: string): Record<string, unknown> {
  return {
    type: 'track',
    userId: `user-${i % 1000}`,
    event: i % 3 === 0 ? 'Order Completed' : 'Product Viewed',
    messageId: `${runId}-${i}`,
    timestamp: new Date().toISOString(),
    properties: { revenue: i % 100, sku: `sku-${i % 50}`, currency: 'USD', items: [{ id: i, qty: 1 }] },
    context: { library: { name: 'bench', version: '1.0.0' }, ip: '127.0.0.1' },
  };
}

/** Benchmarks leave no queues behind: Redis outlives the run. */
export async function deleteRedisPrefix(
  prefix: string,
  url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
): Promise<void> {
  const { default: Redis } = await import('ioredis');
  const redis = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await redis.unlink(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

/** A freshly migrated database holding the bench source and destination (seedBenchSource). */
export async function seededBenchDatabase(
  url: string,
  poolSize = 2,
): Promise<{ pg: Pool; seeded: Awaited<ReturnType<typeof seedBenchSource>> }> {
  await recreateDatabase(url);
  await prepareDatabase(url);
  const pg = new Pool({ connectionString: url, max: poolSize });
  return { pg, seeded: await seedBenchSource(pg) };
}

export interface AdminBench {
  db: string;
  adminToken: string;
  prefix: string;
  port: number;
}

/** The ingest API alone, as the admin API's benchmarks run it: their own queue prefix (emptied first), warnings only. */
export async function startAdminIngest(b: AdminBench): Promise<BenchApp> {
  await deleteRedisPrefix(b.prefix);
  return startBenchApp(
    'ingest-api',
    {
      DATABASE_URL: b.db,
      ADMIN_TOKEN: b.adminToken,
      SECRETS_KEY: BENCH_SECRETS_KEY,
      QUEUE_PREFIX: b.prefix,
      INGEST_PORT: String(b.port),
      SEED_DEV_DATA: 'false',
      LOG_LEVEL: 'warn',
    },
    b.port,
  );
}

/** Stops the app and leaves nothing behind: no queues, no database. */
export async function tearDownAdminBench(b: AdminBench, app: BenchApp, pg: Pool): Promise<void> {
  await app.stop();
  await pg.end();
  await deleteRedisPrefix(b.prefix);
  await recreateDatabase(b.db);
}

/**
 * Waits until every named queue has a worker (the worker looks for new destinations every DESTINATION_REFRESH_MS),
 * polling with a deadline instead of sleeping for a guess.
 */
export async function waitForQueueWorkers(
  queueNames: string[],
  opts: { prefix: string; redisUrl: string; timeoutMs?: number },
): Promise<void> {
  const url = new URL(opts.redisUrl);
  const connection = { host: url.hostname, port: Number(url.port || 6379) };
  const queues = queueNames.map((name) => new Queue(name, { connection, prefix: opts.prefix }));
  const deadline = Date.now() + (opts.timeoutMs ?? 30_000);
  try {
    for (;;) {
      const counts = await Promise.all(queues.map((q) => q.getWorkersCount()));
      if (counts.every((n) => n > 0)) return;
      if (Date.now() > deadline) {
        throw new Error(`no worker on ${queueNames.filter((_, i) => counts[i] === 0).join(', ')} in time`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    await Promise.all(queues.map((q) => q.close()));
  }
}

/**
 * The partitions of `days` past days, in the (empty) database just made: each delivery table's first partition,
 * which holds everything before the database was made, is made again to end where they begin.
 */
export async function addPastPartitions(pg: Pool, days: number): Promise<void> {
  const since = `(now() AT TIME ZONE 'UTC')::date - ${days}`;
  for (const table of ['deliveries', 'delivery_attempts', 'delivery_state_changes']) {
    await pg.query(`DROP TABLE ${table}_legacy`);
    await pg.query(
      `DO $$ BEGIN EXECUTE format('CREATE TABLE ${table}_legacy PARTITION OF ${table} FOR VALUES FROM (MINVALUE) TO (%L)',
         (${since})::timestamp AT TIME ZONE 'UTC'); END $$`,
    );
  }
  for (const table of ['events', 'deliveries', 'delivery_attempts', 'delivery_state_changes']) {
    await pg.query(`SELECT ensure_time_partitions($1, ${since}, (now() AT TIME ZONE 'UTC')::date)`, [table]);
  }
}
