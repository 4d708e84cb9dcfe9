/**
 * npm run bench:ingest — the ingest API against the real Postgres and Redis, driven by autocannon,
 * beside the raw ceiling of multi-row INSERTs of the same rows straight into Postgres.
 */
import autocannon from 'autocannon';
import { randomUUID } from 'crypto';
import { Pool } from 'pg';
import { SecretBox, generateWriteKey, hashWriteKey, prepareDatabase } from '@fsd/platform';
import { deleteRedisPrefix, event, fmt, recreateDatabase, startBenchApp } from './support';

const DB = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/fsd_bench_ingest';
const PORT = Number(process.env.BENCH_INGEST_PORT ?? 3950);
const DURATION = Number(process.env.BENCH_SECONDS ?? 10);
/** BENCH_INGEST_ONLY=track (or batch, steady, raw; comma-separated) runs only those scenarios, for iterating on one. */
const ONLY = new Set((process.env.BENCH_INGEST_ONLY ?? 'batch,track,steady,raw').split(',').map((s) => s.trim()));
const EMPTY_RESULT = { requests: { average: 0 }, latency: { p50: 0, p99: 0 }, non2xx: 0 } as autocannon.Result;

interface Row {
  name: string;
  eventsPerSec: number;
  p50: number;
  p99: number;
  /** ingest-api CPU time (user + system) per acknowledged event. */
  cpuMicrosPerEvent: number;
  baseline?: number;
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
  const writeKey = generateWriteKey();
  const sourceId = (
    await pool.query<{ id: string }>(
      `INSERT INTO sources (name, write_key_hash, write_key_hint) VALUES ('bench', $1, 'bench') RETURNING id`,
      [hashWriteKey(writeKey)],
    )
  ).rows[0].id;
  const destId = (
    await pool.query<{ id: string }>(
      `INSERT INTO destinations (name, api_key_encrypted) VALUES ('bench', $1) RETURNING id`,
      [new SecretBox('bench-secrets-key-0123456789').encrypt('test-api-key')],
    )
  ).rows[0].id;
  await pool.query('INSERT INTO destination_sources VALUES ($1, $2)', [destId, sourceId]);

  const prefix = `bench_${Date.now()}`;
  const app = await startBenchApp(
    'ingest-api',
    {
      DATABASE_URL: DB,
      INGEST_PORT: String(PORT),
      SEED_DEV_DATA: 'false',
      ADMIN_TOKEN: 'bench-admin-token-0123456789',
      SECRETS_KEY: 'bench-secrets-key-0123456789',
      QUEUE_PREFIX: prefix,
      INGEST_DB_POOL_SIZE: '16',
    },
    PORT,
  );
  const auth = `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}`;
  const headers = { 'content-type': 'application/json', authorization: auth };
  const rows: Row[] = [];
  let n = 0;
  const runId = randomUUID().slice(0, 8);

  /** Runs one autocannon scenario (unless BENCH_INGEST_ONLY leaves it out) and the ingest CPU it cost. */
  const scenario = async (key: string, opts: autocannon.Options) => {
    if (!ONLY.has(key)) return { result: EMPTY_RESULT, cpuSeconds: 0 };
    const cpuBefore = app.cpuSeconds();
    const result = await run(opts);
    return { result, cpuSeconds: app.cpuSeconds() - cpuBefore };
  };
  const single = (): autocannon.Request[] => [
    { setupRequest: (req) => ({ ...req, body: JSON.stringify(event(n++, runId)) }) },
  ];

  // 1. /v1/batch, 100 events per request.
  const batch = await scenario('batch', {
    url: `http://127.0.0.1:${PORT}/v1/batch`,
    method: 'POST',
    headers,
    connections: 16,
    duration: DURATION,
    requests: [
      {
        setupRequest: (req) => {
          const items = [];
          for (let i = 0; i < 100; i++) items.push(event(n++, runId));
          return { ...req, body: JSON.stringify({ batch: items, sentAt: new Date().toISOString() }) };
        },
      },
    ],
  });
  // 2. single /v1/track calls, as fast as they go.
  const track = await scenario('track', {
    url: `http://127.0.0.1:${PORT}/v1/track`,
    method: 'POST',
    headers,
    connections: Number(process.env.BENCH_TRACK_CONNECTIONS ?? 32),
    duration: DURATION,
    requests: single(),
  });
  // 3. single calls at a steady 1,000/s: the latency a normal load sees.
  const steady = await scenario('steady', {
    url: `http://127.0.0.1:${PORT}/v1/track`,
    method: 'POST',
    headers,
    connections: 32,
    overallRate: 1000,
    duration: DURATION,
    requests: single(),
  });
  const peakRssMb = app.peakRssMb();
  await app.stop();
  await deleteRedisPrefix(prefix);

  const non2xx = batch.result.non2xx + track.result.non2xx + steady.result.non2xx;
  if (non2xx > 0) process.stderr.write(`warning: ${non2xx} non-2xx responses during the run\n`);

  // Baseline: the same rows, multi-row INSERTs (100 per statement) straight into the event log, 16 at a time.
  const baseline = ONLY.has('raw') ? await rawInsertCeiling(pool, sourceId, runId) : 0;
  await pool.end();

  const row = (name: string, m: typeof batch, eventsPerRequest: number, withBaseline: boolean): Row => {
    const events = m.result.requests.total * eventsPerRequest;
    return {
      name,
      eventsPerSec: m.result.requests.average * eventsPerRequest,
      p50: m.result.latency.p50,
      p99: m.result.latency.p99,
      cpuMicrosPerEvent: events > 0 ? (m.cpuSeconds * 1e6) / events : 0,
      baseline: withBaseline ? baseline : undefined,
    };
  };
  if (ONLY.has('batch')) rows.push(row('/v1/batch (100 events/request)', batch, 100, true));
  if (ONLY.has('track')) rows.push(row('/v1/track (max)', track, 1, true));
  if (ONLY.has('steady')) rows.push(row('/v1/track at 1,000/s', steady, 1, false));
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
      console.log('| scenario | events/s | p50 ms | p99 ms | ingest CPU µs/event | raw INSERT ceiling | ratio |');
      console.log('|---|---:|---:|---:|---:|---:|---:|');
      for (const r of rows) {
        console.log(
          `| ${r.name} | ${fmt(r.eventsPerSec)} | ${fmt(r.p50, 1)} | ${fmt(r.p99, 1)} | ${fmt(r.cpuMicrosPerEvent)} | ${r.baseline ? fmt(r.baseline) : '—'} | ${
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
