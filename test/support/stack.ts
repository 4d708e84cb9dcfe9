import { ChildProcess, spawn } from 'child_process';
import { randomBytes } from 'crypto';
import { Client, Pool, PoolClient } from 'pg';
import path from 'path';
import { appNodeFlags } from '@fsd/platform';

/**
 * Starts the real, compiled apps as child processes for end-to-end tests, each test file against
 * its own database and Redis key prefix so suites never see each other's data.
 */
export const ROOT = path.resolve(__dirname, '../..');

export type AppName = 'ingest-api' | 'delivery-worker' | 'fake-fullstory';

export interface RunningApp {
  name: AppName;
  process: ChildProcess;
  output: string[];
  port: number;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

// Below Linux's ephemeral range (32768-60999), so an outgoing connection never holds a port a test app needs.
// Each Jest worker takes its own 5,000 ports (e2e specs run two at a time), starting at a random place in the
// first 3,000 of them, so specs running at once never pick the same port.
const JEST_WORKER = Number(process.env.JEST_WORKER_ID ?? 1);
let nextPort = 10000 + ((JEST_WORKER - 1) % 4) * 5000 + Math.floor(Math.random() * 3000);
// Ports the Fetch standard's "bad port" list refuses (Node's fetch included) in the range above: an app listening
// on one would never answer a test's fetch (CI once drew 10080 for a fake and waited out its start-up timeout).
const FETCH_BLOCKED_PORTS = new Set([10080]);
export function freePort(): number {
  do nextPort += 1;
  while (FETCH_BLOCKED_PORTS.has(nextPort));
  return nextPort;
}

export interface StackEnv {
  DATABASE_URL: string;
  REDIS_URL: string;
  ADMIN_TOKEN: string;
  SECRETS_KEY: string;
  QUEUE_PREFIX: string;
  FULLSTORY_BASE_URL: string;
  INGEST_PORT: string;
  WORKER_PORT: string;
  FAKE_FULLSTORY_PORT: string;
  [key: string]: string;
}

export function stackEnv(name: string, overrides: Partial<StackEnv> = {}): StackEnv {
  const id = `${name.replace(/[^a-z0-9]/gi, '_').toLowerCase()}_${randomBytes(3).toString('hex')}`;
  const fakePort = freePort();
  return {
    DATABASE_URL: `postgres://postgres@127.0.0.1:5432/fsd_test_${id}`,
    REDIS_URL: 'redis://127.0.0.1:6379',
    ADMIN_TOKEN: `test-admin-token-${id}`,
    SECRETS_KEY: `test-secrets-key-${id}`,
    // The run's namespace (global-setup.js) first: teardown removes only this run's keys.
    QUEUE_PREFIX: `fsdtest_${process.env.FSD_TEST_RUN ?? 'adhoc'}_${id}`,
    FULLSTORY_BASE_URL: `http://127.0.0.1:${fakePort}`,
    // The fake (loopback) and port 9, where admin tests point a destination that cannot be reached.
    ALLOWED_FULLSTORY_HOSTS: `127.0.0.1:${fakePort},127.0.0.1:9`,
    INGEST_PORT: String(freePort()),
    WORKER_PORT: String(freePort()),
    FAKE_FULLSTORY_PORT: String(fakePort),
    SEED_DEV_DATA: 'false',
    LOG_LEVEL: 'warn',
    OUTBOX_RELAY_INTERVAL_MS: '1000',
    OUTBOX_RELAY_GRACE_MS: '2000',
    DESTINATION_REFRESH_MS: '500',
    // Suites read /metrics right after acting; the security suite sets it back to prove the cache.
    METRICS_CACHE_MS: '0',
    ...overrides,
  } as StackEnv;
}

const HEALTH_PATH: Record<AppName, string> = {
  'ingest-api': '/health',
  'delivery-worker': '/health',
  'fake-fullstory': '/__fake/requests',
};

const PORT_VAR: Record<AppName, keyof StackEnv> = {
  'ingest-api': 'INGEST_PORT',
  'delivery-worker': 'WORKER_PORT',
  'fake-fullstory': 'FAKE_FULLSTORY_PORT',
};

/** The server whose spec databases are copies of the run's template (global-setup.js); fault tests run their own. */
const SHARED_SERVER = '127.0.0.1:5432';
/** Spec databases this process created from the template (forgotten when dropped). */
const copiedDatabases = new Set<string>();

/**
 * Creates a spec's database on the shared server as a copy of the run's migrated template, unless it exists (a spec
 * that set up an older schema itself): the app's own migration step then has nothing to run.
 */
async function copyTemplateDatabase(databaseUrl: string | undefined): Promise<void> {
  const template = process.env.FSD_TEST_TEMPLATE_DB;
  // A spec that checks how an app refuses a missing or malformed DATABASE_URL gets it as it is.
  if (!template || !databaseUrl || !URL.canParse(databaseUrl) || copiedDatabases.has(databaseUrl)) return;
  if (new URL(databaseUrl).host !== SHARED_SERVER) return;
  await onServerOf(databaseUrl, async (admin, name) => {
    try {
      await admin.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`);
    } catch (e) {
      if ((e as { code?: string }).code !== '42P04') throw e; // 42P04: it exists
    }
  });
  copiedDatabases.add(databaseUrl);
}

/** Runs `fn` on a connection to the `postgres` database of the database's server, with the database's name. */
async function onServerOf(databaseUrl: string, fn: (admin: Client, name: string) => Promise<void>): Promise<void> {
  const url = new URL(databaseUrl);
  const name = url.pathname.slice(1);
  url.pathname = '/postgres';
  const admin = new Client({ connectionString: url.toString() });
  await admin.connect();
  try {
    await fn(admin, name);
  } finally {
    await admin.end();
  }
}

export async function startApp(name: AppName, env: StackEnv, timeoutMs = 30000): Promise<RunningApp> {
  const port = Number(env[PORT_VAR[name]]);
  // The fake keeps no database: a spec that starts only the fake never drops one.
  if (name !== 'fake-fullstory') await copyTemplateDatabase(env.DATABASE_URL);
  const childEnv = {
    ...process.env,
    ...env,
    NODE_ENV: 'test',
    DEV_SECRETS_FILE: `/tmp/fsd-test-secrets-${env.QUEUE_PREFIX}.json`,
  };
  // With the heap cap every app is shipped with (platform's app-heap).
  const flags = appNodeFlags(childEnv);
  const child = spawn(process.execPath, [...flags, path.join(ROOT, 'tools/run.js'), `apps/${name}/src/main`], {
    cwd: ROOT,
    env: childEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  child.stdout?.on('data', (d: Buffer) => output.push(d.toString()));
  child.stderr?.on('data', (d: Buffer) => output.push(d.toString()));
  let exitCode: number | null | undefined;
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      exitCode = code;
      resolve(code);
    }),
  );
  const app: RunningApp = {
    name,
    process: child,
    output,
    port,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (exitCode !== undefined) return exitCode;
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), 15000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (exitCode !== undefined) throw new Error(`${name} exited with ${exitCode} during start:\n${output.join('')}`);
    try {
      const res = await fetch(`http://127.0.0.1:${port}${HEALTH_PATH[name]}`);
      if (res.status === 200) return app;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  await app.stop('SIGKILL');
  throw new Error(`${name} did not become healthy within ${timeoutMs} ms:\n${output.join('')}`);
}

export async function dropDatabase(databaseUrl: string): Promise<void> {
  await closeDbPool(databaseUrl);
  copiedDatabases.delete(databaseUrl);
  await onServerOf(databaseUrl, async (admin, name) => {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  });
}

// A few connections per database, kept between calls: a new Postgres connection costs ~20 ms of CPU (a backend
// forked and initialised), and specs poll with withDb every 100 ms. Idle ones close after a second.
const dbPools = new Map<string, Pool>();

function dbPool(databaseUrl: string): Pool {
  let pool = dbPools.get(databaseUrl);
  if (!pool) {
    pool = new Pool({ connectionString: databaseUrl, max: 4, idleTimeoutMillis: 1000 });
    // An idle connection lost (a fault test killed its Postgres) leaves the pool; the next call opens another.
    pool.on('error', () => undefined);
    dbPools.set(databaseUrl, pool);
  }
  return pool;
}

/** Closes the pooled connections of a database (before it is dropped or its server stopped). */
export async function closeDbPool(databaseUrl: string): Promise<void> {
  const pool = dbPools.get(databaseUrl);
  dbPools.delete(databaseUrl);
  await pool?.end();
}

/** Runs fn on a connection to the database; a connection that failed is discarded rather than reused. */
export async function withDb<T>(databaseUrl: string, fn: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await dbPool(databaseUrl).connect();
  let failure: Error | undefined;
  try {
    return await fn(client);
  } catch (e) {
    failure = e instanceof Error ? e : new Error(String(e));
    throw e;
  } finally {
    client.release(failure);
  }
}

/** How many events of the source the event log holds. */
export async function eventsOfSource(databaseUrl: string, sourceId: string): Promise<number> {
  return withDb(
    databaseUrl,
    async (c) =>
      (await c.query<{ n: number }>('SELECT count(*)::int AS n FROM events WHERE source_id = $1', [sourceId])).rows[0]
        .n,
  );
}

export async function waitFor<T>(
  what: string,
  fn: () => Promise<T | undefined | null | false>,
  timeoutMs = 20000,
  intervalMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(`Timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}

export function basicAuth(writeKey: string): string {
  return `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}`;
}

export async function postJson(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: unknown; headers: Headers }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // keep text
  }
  return { status: res.status, body: parsed, headers: res.headers };
}
