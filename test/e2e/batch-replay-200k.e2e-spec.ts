import { readFileSync } from 'fs';
import { basicAuth, postJson, waitFor, withDb } from '../support/stack';
import { useStack } from '../support/use-stack';
import { templatesThenEmptyLog } from '../support/log-templates';
import { countBy } from '../support/count-by';
import { adminClient } from '../support/admin-client';

/**
 * Issue 19, the proof: a replay of 200,000 logged identify and track events (presets) into fake-fullstory in batch
 * mode, with the shipped slice and job sizes, through the real ingest-api, delivery-worker and fake. The fake keeps
 * every event, user and job. Every logged event reaches it exactly once, through a batch job: the message ids it
 * holds are the log's, each once (one duplicate fails), and its jobs' imported items add up to the log. Every
 * delivery has one audit row naming a job the fake ran and the item's index. Progress is read while it runs, from
 * the admin API and from the ops page's own route.
 */
// The deadline only stops a replay that hangs: ~40 s on a quiet 2-core machine, several times that under load.
// Speed is measured by `npm run bench`, not here.
jest.setTimeout(900_000);

// Fixed: no environment variable may shrink the test.
const USERS = 20_000;
const TRACKS_PER_USER = 9;
const TRACKS = USERS * TRACKS_PER_USER;
const TOTAL = USERS + TRACKS;
const USERS_PER_INSERT = 4_000;
// ingest-api walks the log a page at a time; the worker holds at most a few slices of 5,000 (bench: ~450 MB).
const INGEST_RSS_LIMIT_MB = 300;
const WORKER_RSS_LIMIT_MB = 700;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : 0;
}

describe('batch-mode replay of 200,000 logged events', () => {
  // Room for every event the fake is sent (the replay's, the templates' and the sentinel's): it drops none.
  const stack = useStack('batch_replay_200k', { FAKE_FULLSTORY_MAX_EVENTS: String(TOTAL + 1000) });

  /** A replay started with the admin token (POST /admin/replays). */
  const startReplay = (body: unknown) =>
    adminClient(stack.ingest)('POST', '/admin/replays', stack.env.ADMIN_TOKEN, body);

  /** A session of the ops page, as its login form gets one. */
  async function opsPageCookie(): Promise<string> {
    const res = await fetch(`${stack.ingest}/admin/ui/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ token: stack.env.ADMIN_TOKEN }),
    });
    expect(res.status).toBe(204);
    return (res.headers.get('set-cookie') ?? '').split(';')[0];
  }

  const window = () => ({
    from: new Date(Date.now() - 24 * 3600_000).toISOString(),
    to: new Date(Date.now() + 60_000).toISOString(),
  });

  /**
   * One real identify and one real track give the stored shapes. The log then holds, for each of 20,000 users, its
   * identify followed by 9 tracks, so that every slice of the replay has a users job and an events job.
   */
  async function logEvents(): Promise<void> {
    const { identify: ident, track: trk } = await templatesThenEmptyLog(
      stack.env.DATABASE_URL,
      stack.ingest,
      stack.seeded.writeKey,
      'Bulk Replayed',
    );
    await withDb(stack.env.DATABASE_URL, async (db) => {
      const base = new Date(Date.now() - 20 * 3600_000).toISOString();
      // User u's identify is the log's event u * 10; its tracks are the 9 after it.
      for (let from = 0; from < USERS; from += USERS_PER_INSERT) {
        const to = Math.min(from + USERS_PER_INSERT, USERS) - 1;
        await db.query(
          `INSERT INTO events (received_at, source_id, message_id, type, event_name, user_id, "timestamp", payload, raw)
           SELECT $2::timestamptz + (u * 10) * interval '1 millisecond', $1::uuid, 'msg-identify-' || u, 'identify',
                  NULL, 'bulk-user-' || u, $2::timestamptz,
                  replace(replace($3, 'tpl-identify', 'msg-identify-' || u), 'tpl-user', 'bulk-user-' || u)::json,
                  replace(replace($4, 'tpl-identify', 'msg-identify-' || u), 'tpl-user', 'bulk-user-' || u)::json
             FROM generate_series($5::int, $6::int) AS u`,
          [stack.seeded.sourceId, base, ident.payload, ident.raw, from, to],
        );
        await db.query(
          `INSERT INTO events (received_at, source_id, message_id, type, event_name, user_id, "timestamp", payload, raw)
           SELECT $2::timestamptz + (u * 10 + k) * interval '1 millisecond', $1::uuid, 'msg-track-' || (u * 10 + k),
                  'track', 'Bulk Replayed', 'bulk-user-' || u, $2::timestamptz,
                  replace(replace($3, 'tpl-track', 'msg-track-' || (u * 10 + k)), 'tpl-user', 'bulk-user-' || u)::json,
                  replace(replace($4, 'tpl-track', 'msg-track-' || (u * 10 + k)), 'tpl-user', 'bulk-user-' || u)::json
             FROM generate_series($5::int, $6::int) AS u, generate_series(1, ${TRACKS_PER_USER}) AS k`,
          [stack.seeded.sourceId, base, trk.payload, trk.raw, from, to],
        );
      }
      const logged = await db.query<{ type: string; n: number }>(
        'SELECT type, count(*)::int AS n FROM events GROUP BY type ORDER BY type',
      );
      expect(logged.rows).toEqual([
        { type: 'identify', n: USERS },
        { type: 'track', n: TRACKS },
      ]);
    });
    await stack.fake.reset();
  }

  it('imports every logged event exactly once through batch jobs, audited per delivery with its job', async () => {
    await logEvents();
    const [, ingestApp, workerApp] = stack.apps;
    const cookie = await opsPageCookie();

    const replay = await startReplay({
      destinationId: stack.seeded.destinationId,
      filter: window(),
      ratePerSecond: 100_000,
    });
    expect(replay.status).toBe(202);
    // Presets only (v2 actions): batch is the default.
    expect(replay.body.mode).toBe('batch');
    const id = replay.body.id as string;

    // Progress, read from the admin API and every third time from the ops page's route.
    const readings: { from: string; delivered: number; imported: number }[] = [];
    const rss = { ingest: 0, worker: 0 };
    let final: Json | undefined;
    await waitFor(
      'the replay to settle every event',
      async () => {
        rss.ingest = Math.max(rss.ingest, rssMb(ingestApp.process.pid!));
        rss.worker = Math.max(rss.worker, rssMb(workerApp.process.pid!));
        const fromPage = readings.length % 3 === 2;
        const res = fromPage
          ? await fetch(`${stack.ingest}/admin/ui/api/replays/${id}`, { headers: { cookie } })
          : await fetch(`${stack.ingest}/admin/replays/${id}`, {
              headers: { Authorization: `Bearer ${stack.env.ADMIN_TOKEN}` },
            });
        expect(res.status).toBe(200);
        const r = (await res.json()) as Json;
        readings.push({ from: fromPage ? 'page' : 'api', delivered: r.delivered, imported: r.batch?.imported ?? 0 });
        if (r.status === 'completed' && r.delivered + r.failed + r.skipped === TOTAL) final = r;
        return final !== undefined;
      },
      840_000,
      1000,
    );
    process.stdout.write(
      `batch replay of ${TOTAL} events: peak RSS ingest-api ${Math.round(rss.ingest)} MB, ` +
        `delivery-worker ${Math.round(rss.worker)} MB; progress (imported): ` +
        `${readings.map((r) => `${r.from} ${r.imported}`).join(', ')}\n`,
    );
    expect(final).toMatchObject({
      mode: 'batch',
      status: 'completed',
      matched: TOTAL,
      delivered: TOTAL,
      failed: 0,
      skipped: 0,
    });
    expect(final!.batch).toMatchObject({ imported: TOTAL, itemErrors: 0, jobsRunning: 0 });
    // Progress was visible along the way, on both routes, and only ever grew.
    const imported = readings.map((r) => r.imported);
    expect(new Set(imported.filter((n) => n > 0 && n < TOTAL)).size).toBeGreaterThanOrEqual(3);
    expect(readings.some((r) => r.from === 'page' && r.imported > 0 && r.imported < TOTAL)).toBe(true);
    for (let i = 1; i < readings.length; i++) {
      expect(readings[i].imported).toBeGreaterThanOrEqual(readings[i - 1].imported);
      expect(readings[i].delivered).toBeGreaterThanOrEqual(readings[i - 1].delivered);
    }
    expect(rss.ingest).toBeLessThan(INGEST_RSS_LIMIT_MB);
    expect(rss.worker).toBeLessThan(WORKER_RSS_LIMIT_MB);

    // Nothing of the replay is left to run: every slice settled. A sentinel replay through the same queue then
    // finishes, so that anything the first could still have sent would be at the fake by now.
    await waitFor('every slice settled', () =>
      withDb(stack.env.DATABASE_URL, async (db) => {
        const { rows } = await db.query<{ open: number; n: number }>(
          `SELECT count(*) FILTER (WHERE status <> 'settled')::int AS open, count(*)::int AS n
             FROM replay_slices WHERE replay_id = $1`,
          [id],
        );
        return rows[0].n > 0 && rows[0].open === 0;
      }),
    );
    const auth = { Authorization: basicAuth(stack.seeded.writeKey) };
    const sentinel = {
      messageId: 'sentinel',
      userId: 'bulk-user-0',
      event: 'Sentinel',
      properties: { mid: 'sentinel' },
    };
    expect((await postJson(`${stack.ingest}/v1/track`, sentinel, auth)).status).toBe(200);
    // Read by uid: the fake's whole store is 200,000 events.
    const sentinelSources = async () =>
      ((await (await fetch(`${stack.env.FULLSTORY_BASE_URL}/__fake/events?uid=bulk-user-0`)).json()) as Json[])
        .filter((e) => e.properties.mid === 'sentinel')
        .map((e) => String(e.source))
        .sort()
        .join();
    const sentinelHeldFrom = (sources: string) => async () => {
      const held = await sentinelSources();
      if (held === sources) return true;
      throw new Error(`the fake holds the sentinel from [${held}]`);
    };
    // Delivered live first: a replay started while the live run is in flight would find it settled by that run.
    await waitFor('the sentinel delivered live', sentinelHeldFrom('v2'), 120_000, 500);
    const second = await startReplay({
      destinationId: stack.seeded.destinationId,
      filter: { ...window(), eventNames: ['Sentinel'] },
    });
    expect(second.status).toBe(202);
    expect(second.body.mode).toBe('batch');
    // Under load a replay's job is polled with back-off: a minute or two, not seconds.
    await waitFor('the sentinel replayed', sentinelHeldFrom('batch,v2'), 180_000, 500);

    // The fake dropped nothing and holds each logged event once, each through a batch job; none came alone.
    const stats = (await (await fetch(`${stack.env.FULLSTORY_BASE_URL}/__fake/stats`)).json()) as Json;
    expect(stats).toMatchObject({ droppedRequests: 0, droppedEvents: 0 });
    const held = (await stack.fake.events()).filter((e) => String(e.properties.mid).startsWith('msg-track-'));
    expect(held.every((e) => e.source === 'batch')).toBe(true);
    const heldTracks = countBy(held, (e) => String(e.properties.mid));
    expect([...heldTracks].filter(([, n]) => n !== 1)).toEqual([]);
    const users = ((await (await fetch(`${stack.env.FULLSTORY_BASE_URL}/__fake/users`)).json()) as Json[]).filter((u) =>
      String(u.uid).startsWith('bulk-user-'),
    );
    const heldUsers = countBy(users, (u) => String(u.properties?.mid));
    expect([...heldUsers].filter(([, n]) => n !== 1)).toEqual([]);
    expect(await stack.fake.requests({ method: 'POST', path: '/v2/events' })).toHaveLength(1); // the live sentinel
    expect(await stack.fake.requests({ method: 'POST', path: '/v2/users' })).toHaveLength(0);

    // Reconciled with the log: the same message ids, and the fake's jobs imported exactly as many items as the
    // log holds (an identify imported twice would not show as a second user, but would as a second import).
    const log = await withDb(
      stack.env.DATABASE_URL,
      async (db) =>
        (
          await db.query<{ message_id: string; type: string }>(
            `SELECT message_id, type FROM events WHERE message_id LIKE 'msg-%'`,
          )
        ).rows,
    );
    expect(log).toHaveLength(TOTAL);
    const loggedOf = (type: string) =>
      log
        .filter((e) => e.type === type)
        .map((e) => e.message_id)
        .sort();
    expect([...heldTracks.keys()].sort()).toEqual(loggedOf('track'));
    expect([...heldUsers.keys()].sort()).toEqual(loggedOf('identify'));
    const fakeJobs = (await (await fetch(`${stack.env.FULLSTORY_BASE_URL}/__fake/jobs`)).json()) as Json[];
    expect(fakeJobs.every((j) => j.status === 'COMPLETED' && j.errors === 0)).toBe(true);
    const importedBy = (kind: string) => fakeJobs.filter((j) => j.kind === kind).reduce((n, j) => n + j.imports, 0);
    // The sentinel's job imported one more event.
    expect({ users: importedBy('users'), events: importedBy('events') }).toEqual({ users: USERS, events: TRACKS + 1 });

    await withDb(stack.env.DATABASE_URL, async (db) => {
      // One audit row per delivery, delivered by a replay, naming its job and its own index in it.
      const audit = (
        await db.query<{ n: number; deliveries: number; delivered: number; indexed: number }>(
          `SELECT count(*)::int AS n, count(DISTINCT a.delivery_id)::int AS deliveries,
                  count(*) FILTER (WHERE a.decision = 'delivered' AND a.trigger = 'replay')::int AS delivered,
                  count(DISTINCT (a.batch_job_id, a.batch_index))::int AS indexed
             FROM delivery_attempts a JOIN deliveries d ON d.id = a.delivery_id
             JOIN events e ON e.id = d.event_id WHERE e.message_id LIKE 'msg-%'`,
        )
      ).rows[0];
      expect(audit).toEqual({ n: TOTAL, deliveries: TOTAL, delivered: TOTAL, indexed: TOTAL });
      // Every job the audit names is one the fake ran, and every job the fake ran is named.
      const named = await db.query<{ job: string }>(
        'SELECT DISTINCT batch_job_id AS job FROM delivery_attempts WHERE batch_job_id IS NOT NULL',
      );
      expect(named.rows.map((r) => r.job).sort()).toEqual(fakeJobs.map((j) => String(j.id)).sort());
      // A slice's users job ended before its events job began.
      const jobs = (
        await db.query<{ slice: string; kind: string; created_at: Date; finished_at: Date }>(
          'SELECT slice, kind, created_at, finished_at FROM replay_batch_jobs WHERE replay_id = $1',
          [id],
        )
      ).rows;
      const slices = new Set(jobs.map((j) => j.slice));
      expect(slices.size).toBe(TOTAL / 5000);
      for (const slice of slices) {
        const of = jobs.filter((j) => j.slice === slice);
        const usersEnd = Math.max(...of.filter((j) => j.kind === 'users').map((j) => j.finished_at.getTime()));
        const eventsStart = Math.min(...of.filter((j) => j.kind === 'events').map((j) => j.created_at.getTime()));
        expect(usersEnd).toBeLessThanOrEqual(eventsStart);
      }
    });
  });
});
