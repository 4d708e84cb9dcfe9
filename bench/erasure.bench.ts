/**
 * npm run bench:erasure — how long POST /admin/deletions takes to erase one user with many logged
 * events, among many other users' events: the compiled ingest-api against real Postgres and Redis.
 * The user's events each have a delivery with one attempt (erased too). Also reports the
 * sequential scans of the event log during the erasure (0 = it used the indexes only).
 *
 * BENCH_ERASURE_EVENTS (default 100,000): the user's events; BENCH_ERASURE_OTHERS (default 300,000):
 * everyone else's.
 */
import { Pool } from 'pg';
import { fmt, seededBenchDatabase, startAdminIngest, tearDownAdminBench } from './support';

const DB = process.env.BENCH_ERASURE_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/fsd_bench_erasure';
const EVENTS = Number(process.env.BENCH_ERASURE_EVENTS ?? 100_000);
const OTHERS = Number(process.env.BENCH_ERASURE_OTHERS ?? 300_000);
const PORT = Number(process.env.BENCH_ERASURE_PORT ?? 3970);
const ADMIN_TOKEN = 'bench-admin-token-0123456789';
const PREFIX = 'fsdbench_erasure';
const BENCH = { db: DB, adminToken: ADMIN_TOKEN, prefix: PREFIX, port: PORT };
const USER = 'erase-me@example.com';
const CHUNK = 50_000;

async function seed(pg: Pool, sourceId: string, destinationId: string): Promise<void> {
  const payload = (user: string) =>
    JSON.stringify({ type: 'track', userId: user, event: 'Bench', properties: { email: user, sku: 'sku-1' } });
  // Spread over the last 20 hours: the rows land in two daily partitions.
  const insert = (from: number, to: number, user: string) =>
    pg.query(
      `INSERT INTO events (received_at, source_id, message_id, type, event_name, user_id, anonymous_id, "timestamp", payload, raw)
       SELECT now() - interval '20 hours' + g * (interval '20 hours' / $6::int), $1::uuid, 'bench-erasure-' || g, 'track',
              'Bench', CASE WHEN $3::text IS NULL THEN 'user-' || (g % 5000) ELSE $3 END, 'anon-' || g,
              now() - interval '20 hours', $2::json, $2::json
         FROM generate_series($4::int, $5::int) AS g`,
      [sourceId, payload(USER), user === '' ? null : user, from, to, EVENTS + OTHERS],
    );
  for (let s = 0; s < EVENTS; s += CHUNK) await insert(s, Math.min(s + CHUNK, EVENTS) - 1, USER);
  for (let s = EVENTS; s < EVENTS + OTHERS; s += CHUNK) await insert(s, Math.min(s + CHUNK, EVENTS + OTHERS) - 1, '');
  await pg.query(
    `INSERT INTO deliveries (event_id, event_received_at, logged_at, destination_id, status, attempts)
     SELECT id, received_at, received_at, $1::uuid, 'delivered', 1 FROM events WHERE user_id = $2`,
    [destinationId, USER],
  );
  await pg.query(
    `INSERT INTO delivery_attempts (delivery_id, attempt_number, trigger, started_at, finished_at, request_method,
                                    request_url, request_body, response_status, response_body, decision)
     SELECT id, 1, 'auto', now(), now(), 'POST', 'https://api.fullstory.com/v2/events', $2::json, 200, '{}', 'delivered'
       FROM deliveries WHERE destination_id = $1::uuid`,
    [destinationId, JSON.stringify({ user: { uid: USER }, properties: { email: USER } })],
  );
  await pg.query('ANALYZE');
}

async function seqScans(pg: Pool): Promise<Map<string, number>> {
  const { rows } = await pg.query<{ relname: string; n: string }>(
    `SELECT relname, seq_scan::text AS n FROM pg_stat_user_tables
      WHERE relname LIKE 'events%' OR relname IN ('delivery_attempts', 'deliveries', 'rejected_events')`,
  );
  return new Map(rows.map((r) => [r.relname, Number(r.n)]));
}

function scanDelta(before: Map<string, number>, after: Map<string, number>): string {
  const parts = [...after]
    .filter(([t, n]) => n > (before.get(t) ?? 0))
    .map(([t, n]) => `${t} ${n - (before.get(t) ?? 0)}`);
  return parts.length === 0 ? 'none' : parts.join(', ');
}

async function main(): Promise<void> {
  const { pg, seeded } = await seededBenchDatabase(DB);
  const seedStart = Date.now();
  await seed(pg, seeded.sourceId, seeded.destinationId);
  process.stdout.write(
    `seeded ${fmt(EVENTS)} + ${fmt(OTHERS)} events in ${fmt((Date.now() - seedStart) / 1000, 1)} s\n`,
  );
  const ingest = await startAdminIngest(BENCH);
  try {
    // Statistics are flushed by each backend at the end of its transaction; wait for a stable baseline.
    await new Promise((r) => setTimeout(r, 1000));
    const scansBefore = await seqScans(pg);
    const headers = { Authorization: `Bearer ${ADMIN_TOKEN}`, 'Content-Type': 'application/json' };
    const started = Date.now();
    const res = await fetch(`http://127.0.0.1:${PORT}/admin/deletions`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ userId: USER, destinationIds: [seeded.destinationId] }),
    });
    const { id } = (await res.json()) as { id: string };
    let view: { erasure: { status: string }; erased: Record<string, number> };
    for (;;) {
      view = (await (await fetch(`http://127.0.0.1:${PORT}/admin/deletions/${id}`, { headers })).json()) as typeof view;
      if (view.erasure.status !== 'pending') break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const seconds = (Date.now() - started) / 1000;
    await new Promise((r) => setTimeout(r, 1000));
    const scans = scanDelta(scansBefore, await seqScans(pg));
    process.stdout.write(
      `erasure ${view.erasure.status}: ${fmt(view.erased.events)} events, ${fmt(view.erased.attempts)} attempts ` +
        `erased in ${fmt(seconds, 2)} s (${fmt(view.erased.events / seconds)} events/s) among ${fmt(EVENTS + OTHERS)} ` +
        `logged events; sequential scans of the log and audit tables meanwhile: ${scans}\n`,
    );
  } finally {
    await tearDownAdminBench(BENCH, ingest, pg);
  }
}

void main().catch((e: Error) => {
  process.stderr.write(`${e.stack ?? e.message}\n`);
  process.exit(1);
});
