/** The scenarios of npm run bench (bench/full.bench.ts) that drive the running apps: load and replay. */
import { randomUUID } from 'crypto';
import { Pool as PgPool } from 'pg';
import { Pool as HttpPool } from 'undici';
import { event } from './support';

export const INGEST_PORT = Number(process.env.BENCH_FULL_INGEST_PORT ?? 3960);
export const WORKER_PORT = INGEST_PORT + 1;
export const FAKE_PORT = INGEST_PORT + 2;
export const REPLAY_EVENTS = Number(process.env.BENCH_REPLAY_EVENTS ?? 200_000);
const REPLAY_TIMEOUT_S = Number(process.env.BENCH_REPLAY_TIMEOUT_S ?? 240);
export const ADMIN_TOKEN = 'bench-admin-token-0123456789';

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Pauses or resumes the destination through the admin API (its queue is paused at once, every worker follows). */
export async function destinationControl(destinationId: string, action: 'pause' | 'resume'): Promise<void> {
  const res = await fetch(`http://127.0.0.1:${INGEST_PORT}/admin/destinations/${destinationId}/${action}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${ADMIN_TOKEN}` },
  });
  if (!res.ok) throw new Error(`${action} of destination ${destinationId}: HTTP ${res.status} ${await res.text()}`);
}

/** Bare keep-alive HTTP client posting the worker's request bodies to the fake: the delivery ceiling. */
export async function fakeBaseline(seconds: number): Promise<number> {
  const pool = new HttpPool(`http://127.0.0.1:${FAKE_PORT}`, { connections: 20 });
  const deadline = Date.now() + seconds * 1000;
  let done = 0;
  let sent = 0;
  const runId = randomUUID().slice(0, 8);
  const loop = async () => {
    while (Date.now() < deadline) {
      const n = sent++;
      const e = event(n, runId);
      const res = await pool.request({
        path: '/v2/events',
        method: 'POST',
        headers: {
          authorization: 'Basic test-api-key',
          'content-type': 'application/json',
          'integration-source': 'segment',
          'idempotency-key': `${runId}-${n}`,
        },
        body: JSON.stringify({
          name: e.event,
          properties: e.properties,
          user: { uid: e.userId },
          timestamp: e.timestamp,
        }),
      });
      const text = await res.body.text();
      if (res.statusCode !== 200) throw new Error(`fake answered ${res.statusCode}: ${text}`);
      done++;
    }
  };
  await Promise.all(Array.from({ length: 20 }, loop));
  await pool.close();
  return done / seconds;
}

export async function postBatches(url: string, auth: string, total: number, runId: string): Promise<void> {
  const pool = new HttpPool(url, { connections: 8 });
  let next = 0;
  const loop = async () => {
    while (next < total) {
      const start = next;
      next += 100;
      const batch = [];
      for (let i = start; i < Math.min(start + 100, total); i++) batch.push(event(i, runId));
      const res = await pool.request({
        path: '/v1/batch',
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: auth },
        body: JSON.stringify({ batch }),
      });
      await res.body.dump();
      if (res.statusCode !== 200) throw new Error(`ingest answered ${res.statusCode}`);
    }
  };
  await Promise.all(Array.from({ length: 8 }, loop));
  await pool.close();
}

export async function count(pg: PgPool, sql: string, params: unknown[]): Promise<number> {
  return Number((await pg.query<{ n: string }>(sql, params)).rows[0].n);
}

/**
 * Deliveries of the destination delivered so far, from the delivery funnel's counters (a few rows, moved by the same
 * statement that records an outcome): counting the delivered rows themselves took ~14 ms of Postgres per poll by the
 * drain's end, ~5% of a core taken from the stack it measures.
 */
export function deliveredCount(pg: PgPool, destinationId: string): Promise<number> {
  return count(
    pg,
    `SELECT COALESCE(sum(count), 0) AS n FROM delivery_funnel_hourly WHERE destination_id = $1 AND stage = 'delivered'`,
    [destinationId],
  );
}

/**
 * Posts `events` in batches and waits (up to 120 s) until the destination has delivered that many in all. A worker in
 * service is warm: in its first 10 s, compiling JavaScript took ~20% of a new worker's CPU (perf), in the next 12 s 2%.
 */
export async function warmUp(
  pg: PgPool,
  seeded: { auth: string; destinationId: string },
  events: number,
): Promise<void> {
  const target = (await deliveredCount(pg, seeded.destinationId)) + events;
  await postBatches(`http://127.0.0.1:${INGEST_PORT}`, seeded.auth, events, randomUUID().slice(0, 8));
  const deadline = Date.now() + 120_000;
  while ((await deliveredCount(pg, seeded.destinationId)) < target && Date.now() < deadline) await sleep(250);
}

async function admin(method: string, p: string, body?: unknown): Promise<{ status: number; body: never }> {
  const res = await fetch(`http://127.0.0.1:${INGEST_PORT}${p}`, {
    method,
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as never };
}

/** Replays a log of REPLAY_EVENTS events through POST /admin/replays; null when replay is not available. */
export async function replayRate(
  pg: PgPool,
  seeded: { sourceId: string; destinationId: string; auth: string },
): Promise<{ rate: number; completed: boolean; delivered: number; seconds: number } | null> {
  const probe = await admin('GET', '/admin/replays');
  if (probe.status !== 200) return null;
  const template = () =>
    pg.query<{ payload: string; raw: string; message_id: string }>(
      'SELECT payload::text AS payload, raw::text AS raw, message_id FROM events WHERE source_id = $1 LIMIT 1',
      [seeded.sourceId],
    );
  let tpl = (await template()).rows[0];
  // Run alone (BENCH_STEPS=replay), the log holds no event yet to copy: one batch through ingest makes one.
  if (tpl === undefined) {
    await postBatches(`http://127.0.0.1:${INGEST_PORT}`, seeded.auth, 100, randomUUID().slice(0, 8));
    tpl = (await template()).rows[0];
    if (tpl === undefined) throw new Error('replay step: ingest logged no event to copy the replayed events from');
  }
  const CHUNK = 20_000;
  for (let start = 0; start < REPLAY_EVENTS; start += CHUNK) {
    await pg.query(
      `INSERT INTO events (received_at, source_id, message_id, type, event_name, user_id, "timestamp", payload, raw)
       SELECT now() - interval '20 hours' + g * interval '200 microseconds', $1::uuid, 'bench-replay-' || g,
              'track', 'Bench Replayed', 'bench-user', now() - interval '20 hours',
              replace($2, $4, 'bench-replay-' || g)::json, replace($3, $4, 'bench-replay-' || g)::json
         FROM generate_series($5::int, $6::int) AS g`,
      [seeded.sourceId, tpl.payload, tpl.raw, tpl.message_id, start, Math.min(start + CHUNK, REPLAY_EVENTS) - 1],
    );
  }
  await pg.query('ANALYZE events');
  const filter = {
    from: new Date(Date.now() - 24 * 3600_000).toISOString(),
    to: new Date(Date.now() + 60_000).toISOString(),
    eventNames: ['Bench Replayed'],
  };
  const started = Date.now();
  const created = await admin('POST', '/admin/replays', {
    destinationId: seeded.destinationId,
    filter,
    ratePerSecond: 100_000,
    // The per-event figure; the batch mode has its own step (bench/batch-replay.bench.ts).
    mode: 'per-event',
  });
  if (created.status !== 202 && created.status !== 201) {
    throw new Error(`POST /admin/replays answered ${created.status}: ${JSON.stringify(created.body)}`);
  }
  const id = (created.body as { id: string }).id;
  const deadline = started + REPLAY_TIMEOUT_S * 1000;
  let last: { status: string; delivered: number; failed: number; skipped: number } = {
    status: 'unknown',
    delivered: 0,
    failed: 0,
    skipped: 0,
  };
  while (Date.now() < deadline) {
    last = (await admin('GET', `/admin/replays/${id}`)).body;
    if (last.status === 'completed' && last.delivered + last.failed + last.skipped >= REPLAY_EVENTS) break;
    await sleep(500);
  }
  const seconds = (Date.now() - started) / 1000;
  if (last.status !== 'completed') await admin('POST', `/admin/replays/${id}/cancel`);
  return {
    rate: last.delivered / seconds,
    completed: last.status === 'completed',
    delivered: last.delivered,
    seconds,
  };
}
