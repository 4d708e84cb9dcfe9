/**
 * npm run bench:funnel — how fast GET /admin/destinations/:id/overview answers when the destination has 10 million
 * events' worth of funnel counters (inserted straight into delivery_funnel_hourly, spread over 90 days, 9 stages,
 * every shard written: the worst case),
 * among other destinations' counters: the compiled ingest-api against real Postgres. Each figure is the median of
 * BENCH_FUNNEL_CALLS sequential calls; the baseline, measured in the same run, is GET /admin/destinations/:id (the
 * same authentication, scope check and pool, one row read), so the ratio says what the funnel itself costs.
 *
 * BENCH_FUNNEL_EVENTS (default 10,000,000): the destination's events; BENCH_FUNNEL_OTHERS (default 20): other
 * destinations with as many each; BENCH_FUNNEL_CALLS (default 50).
 */
import { randomUUID } from 'crypto';
import { Pool } from 'pg';
import { FUNNEL_SHARDS } from '@fsd/delivery-data';
import { fmt, seededBenchDatabase, startAdminIngest, tearDownAdminBench } from './support';

const DB = process.env.BENCH_FUNNEL_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/fsd_bench_funnel';
const EVENTS = Number(process.env.BENCH_FUNNEL_EVENTS ?? 10_000_000);
const OTHERS = Number(process.env.BENCH_FUNNEL_OTHERS ?? 20);
const CALLS = Number(process.env.BENCH_FUNNEL_CALLS ?? 50);
const PORT = Number(process.env.BENCH_FUNNEL_PORT ?? 3971);
const ADMIN_TOKEN = 'bench-admin-token-0123456789';
const PREFIX = 'fsdbench_funnel';
const BENCH = { db: DB, adminToken: ADMIN_TOKEN, prefix: PREFIX, port: PORT };
const HOURS = 90 * 24;
const STAGES = [
  'received',
  'blockedByIntegrations',
  'filtered',
  'noMatchingSubscription',
  'mappingError',
  'delivered',
  'retrying',
  'failed',
  'skipped',
];
const LIMIT_MS = 100;

/** One counter row per hour × stage of the last 90 days, summing to EVENTS (most delivered, as in real life). */
async function fill(pg: Pool, destinationId: string): Promise<number> {
  const weights = [1, 2, 2, 3, 1, 80, 1, 2, 8];
  const total = weights.reduce((a, b) => a + b, 0);
  const perHour = EVENTS / HOURS;
  await pg.query(
    `INSERT INTO delivery_funnel_hourly (destination_id, hour, stage, shard, count)
     SELECT $1::uuid, date_trunc('hour', now()) - h * interval '1 hour', s.stage, k, s.n / $5::int
       FROM generate_series(0, $2::int - 1) AS h
      CROSS JOIN unnest($3::text[], $4::bigint[]) AS s(stage, n)
      CROSS JOIN generate_series(0, $5::int - 1) AS k`,
    [destinationId, HOURS, STAGES, weights.map((w) => Math.floor((perHour * w) / total)), FUNNEL_SHARDS],
  );
  // The rounding's remainder, delivered in the current hour: exactly EVENTS in all.
  await pg.query(
    `UPDATE delivery_funnel_hourly SET count = count + ($2::bigint - (SELECT sum(count) FROM delivery_funnel_hourly
                                                                       WHERE destination_id = $1))
      WHERE destination_id = $1 AND hour = date_trunc('hour', now()) AND stage = 'delivered' AND shard = 0`,
    [destinationId, EVENTS],
  );
  const { rows } = await pg.query<{ n: string }>(
    'SELECT sum(count)::text AS n FROM delivery_funnel_hourly WHERE destination_id = $1',
    [destinationId],
  );
  return Number(rows[0].n);
}

async function median(url: string, check: (body: unknown) => void): Promise<number> {
  const headers = { Authorization: `Bearer ${ADMIN_TOKEN}` };
  const times: number[] = [];
  for (let i = 0; i < CALLS + 3; i++) {
    const started = process.hrtime.bigint();
    const res = await fetch(url, { headers });
    const body = await res.json();
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    if (res.status !== 200) throw new Error(`${url} answered ${res.status}: ${JSON.stringify(body)}`);
    check(body);
    if (i >= 3) times.push(ms); // the first calls warm the pool and the prepared statement
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

async function main(): Promise<void> {
  const { pg, seeded } = await seededBenchDatabase(DB);
  const seedStart = Date.now();
  const counted = await fill(pg, seeded.destinationId);
  for (let i = 0; i < OTHERS; i++) {
    const other = randomUUID();
    await pg.query(`INSERT INTO destinations (id, name, api_key_encrypted) VALUES ($1, 'other', 'x')`, [other]);
    await fill(pg, other);
  }
  await pg.query('ANALYZE delivery_funnel_hourly');
  const { rows } = await pg.query<{ n: string }>('SELECT count(*)::text AS n FROM delivery_funnel_hourly');
  process.stdout.write(
    `counters: ${fmt(counted)} events of the destination (+ ${OTHERS} other destinations alike), ` +
      `${fmt(Number(rows[0].n))} counter rows, filled in ${fmt((Date.now() - seedStart) / 1000, 1)} s\n`,
  );
  const ingest = await startAdminIngest(BENCH);
  try {
    const base = `http://127.0.0.1:${PORT}/admin/destinations/${seeded.destinationId}`;
    const baseline = await median(base, () => undefined);
    const to = new Date();
    const month = new Date(to.getTime() - 31 * 24 * 3_600_000);
    const cases: [string, string, number][] = [
      ['last day (default)', `${base}/overview`, 25],
      ['31 days', `${base}/overview?from=${month.toISOString()}&to=${to.toISOString()}`, 31 * 24 + 1],
    ];
    process.stdout.write(`baseline GET /admin/destinations/:id: median ${fmt(baseline, 2)} ms of ${CALLS} calls\n`);
    for (const [name, url, hours] of cases) {
      const ms = await median(url, (body) => {
        const b = body as { total: number; series: unknown[] };
        if (b.series.length !== hours || !(b.total > 0)) throw new Error(`unexpected overview: ${b.series.length} h`);
      });
      process.stdout.write(
        `overview, ${name}: median ${fmt(ms, 2)} ms of ${CALLS} calls (${fmt(ms / baseline, 2)}× the baseline); ` +
          `under ${LIMIT_MS} ms: ${ms < LIMIT_MS ? 'yes' : 'NO'}\n`,
      );
    }
  } finally {
    await tearDownAdminBench(BENCH, ingest, pg);
  }
}

void main().catch((e: Error) => {
  process.stderr.write(`${e.stack ?? e.message}\n`);
  process.exit(1);
});
