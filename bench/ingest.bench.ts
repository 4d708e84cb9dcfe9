/**
 * npm run bench:ingest — the ingest API against the real Postgres and Redis, driven by autocannon,
 * beside the raw ceiling of multi-row INSERTs of the same rows straight into Postgres.
 */
import autocannon from 'autocannon';
import { randomUUID } from 'crypto';
import { setFlagsFromString } from 'v8';
import { runInNewContext } from 'vm';
import { Pool } from 'pg';
import { prepareDatabase } from '@fsd/platform';
import {
  BENCH_SECRETS_KEY,
  deleteRedisPrefix,
  event,
  fmt,
  recreateDatabase,
  seedBenchSource,
  startBenchApp,
} from './support';

const DB = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/fsd_bench_ingest';
const PORT = Number(process.env.BENCH_INGEST_PORT ?? 3950);
const DURATION = Number(process.env.BENCH_SECONDS ?? 10);
/**
 * BENCH_INGEST_ONLY=track (or steady, batch, steady-after, raw; comma-separated) runs only those
 * scenarios, for iterating on one.
 */
const ONLY = new Set(
  (process.env.BENCH_INGEST_ONLY ?? 'steady,batch,track,steady-after,raw').split(',').map((s) => s.trim()),
);
/** Seconds at 1,000 calls/s before the steady run is measured: JIT, connection pools, prepared statements. */
const WARM_UP_SECONDS = 3;

/** One scenario's autocannon result and the ingest CPU time it cost. */
interface Measured {
  result: autocannon.Result;
  cpuSeconds: number;
  /** CPU seconds of this process, the load generator, during the run. */
  generatorCpuSeconds: number;
}

interface Row {
  name: string;
  eventsPerSec: number;
  p50: number;
  p99: number;
  /** ingest-api CPU time (user + system) per acknowledged event. */
  cpuMicrosPerEvent: number;
  /** The load generator's (autocannon's) CPU time per acknowledged event. */
  generatorMicrosPerEvent: number;
  baseline?: number;
}

function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

async function run(opts: autocannon.Options): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    const instance = autocannon(opts, (err, result) => (err ? reject(err) : resolve(result)));
    autocannon.track(instance, { renderProgressBar: false, renderResultsTable: false, renderLatencyTable: false });
  });
}

export async function benchIngest(): Promise<{ rows: Row[]; peakRssMb: number }> {
  await recreateDatabase(DB);
  await prepareDatabase(DB);
  const pool = new Pool({ connectionString: DB, max: 8 });
  const { sourceId, auth } = await seedBenchSource(pool);

  const prefix = `bench_${Date.now()}`;
  const app = await startBenchApp(
    'ingest-api',
    {
      DATABASE_URL: DB,
      INGEST_PORT: String(PORT),
      SEED_DEV_DATA: 'false',
      ADMIN_TOKEN: 'bench-admin-token-0123456789',
      SECRETS_KEY: BENCH_SECRETS_KEY,
      QUEUE_PREFIX: prefix,
      INGEST_DB_POOL_SIZE: '16',
    },
    PORT,
  );
  const headers = { 'content-type': 'application/json', authorization: auth };
  let n = 0;
  const runId = randomUUID().slice(0, 8);

  /** Runs one autocannon scenario (unless BENCH_INGEST_ONLY leaves it out) and the ingest CPU it cost. */
  const scenario = async (key: string, options: () => autocannon.Options): Promise<Measured | undefined> => {
    if (!ONLY.has(key)) return undefined;
    const opts = options();
    // The previous scenario's bodies are garbage now: collect them before the clock starts, so a
    // major GC of this process (the load generator) does not stall it mid-run and show as latency.
    collectGarbage();
    const cpuBefore = app.cpuSeconds();
    const generatorBefore = process.cpuUsage();
    const result = await run(opts);
    const generator = process.cpuUsage(generatorBefore);
    return {
      result,
      cpuSeconds: app.cpuSeconds() - cpuBefore,
      generatorCpuSeconds: (generator.user + generator.system) / 1e6,
    };
  };
  /**
   * Request bodies, each with fresh messageIds, built before the timed run: the load generator shares
   * the two cores with the app, so it should spend them on HTTP only. Past `prebuilt`, bodies are
   * built on demand.
   */
  const bodies = (prebuilt: number, build: () => string): autocannon.Request[] => {
    const ready = Array.from({ length: prebuilt }, build);
    let next = 0;
    return [{ setupRequest: (req) => ({ ...req, body: next < ready.length ? ready[next++] : build() }) }];
  };
  const single = (prebuilt: number): autocannon.Request[] => bodies(prebuilt, () => JSON.stringify(event(n++, runId)));

  const steadyOptions = (seconds: number): autocannon.Options => ({
    url: `http://127.0.0.1:${PORT}/v1/track`,
    method: 'POST',
    headers,
    connections: 32,
    overallRate: 1000,
    duration: seconds,
    requests: single(1100 * seconds),
  });
  // 1. single calls at a steady 1,000/s: the latency a normal load sees, on a warmed-up app.
  if (ONLY.has('steady')) await run(steadyOptions(WARM_UP_SECONDS));
  const steady = await scenario('steady', () => steadyOptions(DURATION));
  // 2. /v1/batch, 100 events per request.
  const batch = await scenario('batch', () => ({
    url: `http://127.0.0.1:${PORT}/v1/batch`,
    method: 'POST',
    headers,
    connections: 16,
    duration: DURATION,
    requests: bodies(200 * DURATION, () => {
      const items = [];
      for (let i = 0; i < 100; i++) items.push(event(n++, runId));
      return JSON.stringify({ batch: items, sentAt: new Date().toISOString() });
    }),
  }));
  // 3. single /v1/track calls, as fast as they go.
  const track = await scenario('track', () => ({
    url: `http://127.0.0.1:${PORT}/v1/track`,
    method: 'POST',
    headers,
    connections: Number(process.env.BENCH_TRACK_CONNECTIONS ?? 32),
    duration: DURATION,
    requests: single(6000 * DURATION),
  }));
  // 4. the steady load again, right after the overload: the app still collects the garbage of the
  // runs above and the outbox relay walks their backlog (no worker drains it here).
  const steadyAfter = await scenario('steady-after', () => steadyOptions(DURATION));
  const peakRssMb = app.peakRssMb();
  await app.stop();
  await deleteRedisPrefix(prefix);

  const non2xx = [steady, batch, track, steadyAfter].reduce((sum, m) => sum + (m?.result.non2xx ?? 0), 0);
  if (non2xx > 0) process.stderr.write(`warning: ${non2xx} non-2xx responses during the run\n`);

  // Baseline: the same rows, multi-row INSERTs (100 per statement) straight into the event log, 16 at a time.
  const baseline = ONLY.has('raw') ? await rawInsertCeiling(pool, sourceId, runId) : 0;
  await pool.end();

  const row = (
    name: string,
    m: Measured | undefined,
    eventsPerRequest: number,
    withBaseline: boolean,
  ): Row | undefined => {
    if (!m) return;
    const events = m.result.requests.total * eventsPerRequest;
    return {
      name,
      eventsPerSec: m.result.requests.average * eventsPerRequest,
      p50: m.result.latency.p50,
      p99: m.result.latency.p99,
      cpuMicrosPerEvent: events > 0 ? (m.cpuSeconds * 1e6) / events : 0,
      generatorMicrosPerEvent: events > 0 ? (m.generatorCpuSeconds * 1e6) / events : 0,
      baseline: withBaseline ? baseline : undefined,
    };
  };
  const rows = [
    row('/v1/batch (100 events/request)', batch, 100, true),
    row('/v1/track (max)', track, 1, true),
    row('/v1/track at 1,000/s', steady, 1, false),
    row('/v1/track at 1,000/s, right after the runs above', steadyAfter, 1, false),
  ].filter((r): r is Row => r !== undefined);
  return { rows, peakRssMb };
}

async function rawInsertCeiling(pool: Pool, sourceId: string, runId: string): Promise<number> {
  const deadline = Date.now() + DURATION * 1000;
  let inserted = 0;
  let k = 0;
  const worker = async () => {
    while (Date.now() < deadline) {
      const values: string[] = [];
      const params: unknown[] = [sourceId];
      for (let i = 0; i < 100; i++) {
        const e = event(k++, `raw-${runId}`);
        const b = params.length;
        values.push(
          `(nextval('events_id_seq'), now(), $1, $${b + 1}, 'track', $${b + 2}, $${b + 3}, now(), $${b + 4}, $${b + 4})`,
        );
        params.push(String(e.messageId), String(e.event), String(e.userId), JSON.stringify(e));
      }
      await pool.query(
        `INSERT INTO events (id, received_at, source_id, message_id, type, event_name, user_id, "timestamp", payload, raw)
         VALUES ${values.join(',')}`,
        params,
      );
      inserted += 100;
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  return inserted / DURATION;
}

if (require.main === module) {
  benchIngest()
    .then(({ rows, peakRssMb }) => {
      console.log('\ningest benchmark (this machine: Postgres, Redis, load generator and app together)\n');
      console.log(
        '| scenario | events/s | p50 ms | p99 ms | ingest CPU µs/event | generator CPU µs/event | raw INSERT ceiling | ratio |',
      );
      console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
      for (const r of rows) {
        console.log(
          `| ${r.name} | ${fmt(r.eventsPerSec)} | ${fmt(r.p50, 1)} | ${fmt(r.p99, 1)} | ${fmt(r.cpuMicrosPerEvent)} | ${fmt(r.generatorMicrosPerEvent)} | ${r.baseline ? fmt(r.baseline) : '—'} | ${
            r.baseline ? fmt(r.eventsPerSec / r.baseline, 2) : '—'
          } |`,
        );
      }
      console.log(`\npeak RSS of ingest-api: ${peakRssMb} MB`);
      process.exit(0);
    })
    .catch((e: unknown) => {
      console.error(e);
      process.exit(1);
    });
}
