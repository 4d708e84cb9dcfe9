import {
  RunningApp,
  StackEnv,
  basicAuth,
  dropDatabase,
  postJson,
  stackEnv,
  startApp,
  waitFor,
  withDb,
} from '../support/stack';
import { SeededPair, seedSourceAndDestination } from '../support/seed';
import { FakeFullStory, dropQueues } from '../support/delivery';

/**
 * Issue 19: a replay of logged identify and track events in batch mode, through the real ingest-api,
 * delivery-worker and fake-fullstory. Slices of 1,000 events, jobs of at most 400 items, a processing delay
 * at the fake (so jobs are polled while PROCESSING). Every event reaches the fake exactly once, through a batch
 * job; every delivery has one audit row naming its job and its index; a slice's users job ends before its
 * events job starts; GET /admin/replays/:id shows the jobs' progress.
 */
jest.setTimeout(300_000);

const USERS = 1000;
const TRACKS = 2000;
const TOTAL = USERS + TRACKS;
const SLICE = 1000;
const MAX_ITEMS = 400;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

describe('batch-mode replay', () => {
  let env: StackEnv;
  const apps: RunningApp[] = [];
  let ingest: string;
  let fake: FakeFullStory;
  let seeded: SeededPair;

  async function admin(method: string, path: string, body?: unknown): Promise<{ status: number; body: Json }> {
    const res = await fetch(`${ingest}${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${env.ADMIN_TOKEN}`,
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Json };
  }

  beforeAll(async () => {
    env = stackEnv('batch_replay', {
      REPLAY_BATCH_SLICE: String(SLICE),
      BATCH_REPLAY_MAX_ITEMS: String(MAX_ITEMS),
      BATCH_REPLAY_POLL_MAX_MS: '200',
    });
    const room = String(TOTAL + 1000);
    apps.push(
      await startApp('fake-fullstory', { ...env, FAKE_FULLSTORY_MAX_CAPTURED: room, FAKE_FULLSTORY_MAX_EVENTS: room }),
    );
    apps.push(await startApp('ingest-api', env));
    seeded = await seedSourceAndDestination(env.DATABASE_URL, env.SECRETS_KEY);
    apps.push(await startApp('delivery-worker', env));
    ingest = `http://127.0.0.1:${env.INGEST_PORT}`;
    fake = new FakeFullStory(env.FULLSTORY_BASE_URL);
  });

  afterAll(async () => {
    for (const app of apps.reverse()) await app.stop();
    await dropQueues(env);
    await dropDatabase(env.DATABASE_URL);
  });

  /** One real identify and one real track give the stored shapes; copies with their own ids go into the log. */
  async function logEvents(): Promise<void> {
    const auth = { Authorization: basicAuth(seeded.writeKey) };
    const identify = { messageId: 'tpl-identify', userId: 'tpl-user', traits: { plan: 'pro', mid: 'tpl-identify' } };
    const track = {
      messageId: 'tpl-track',
      userId: 'tpl-user',
      event: 'Batch Replayed',
      properties: { mid: 'tpl-track' },
    };
    expect((await postJson(`${ingest}/v1/identify`, identify, auth)).status).toBe(200);
    expect((await postJson(`${ingest}/v1/track`, track, auth)).status).toBe(200);
    await waitFor(
      'the templates delivered',
      () =>
        withDb(
          env.DATABASE_URL,
          async (db) => (await db.query(`SELECT 1 FROM deliveries WHERE status = 'delivered'`)).rows.length === 2,
        ),
      30_000,
    );
    await withDb(env.DATABASE_URL, async (db) => {
      const tpl = async (id: string) =>
        (
          await db.query<{ payload: string; raw: string }>(
            'SELECT payload::text AS payload, raw::text AS raw FROM events WHERE message_id = $1',
            [id],
          )
        ).rows[0];
      const ident = await tpl('tpl-identify');
      const trk = await tpl('tpl-track');
      await db.query('DELETE FROM deliveries');
      await db.query('DELETE FROM events');
      await db.query('DELETE FROM event_dedup');
      // Identifies first (user n), then tracks of user n % USERS; the log's order is received_at.
      const insert = (
        type: string,
        name: string | null,
        t: { payload: string; raw: string },
        tplId: string,
        from: number,
        count: number,
        prefix: string,
      ) =>
        db.query(
          `INSERT INTO events (received_at, source_id, message_id, type, event_name, user_id, "timestamp", payload, raw)
           SELECT now() - interval '20 hours' + g * interval '1 millisecond', $1::uuid, $7 || g,
                  $8, $9, 'bulk-user-' || (g % ${USERS}), now() - interval '20 hours',
                  replace(replace($2, $4, $7 || g), 'tpl-user', 'bulk-user-' || (g % ${USERS}))::json,
                  replace(replace($3, $4, $7 || g), 'tpl-user', 'bulk-user-' || (g % ${USERS}))::json
             FROM generate_series($5::int, $6::int) AS g`,
          [seeded.sourceId, t.payload, t.raw, tplId, from, from + count - 1, prefix, type, name],
        );
      await insert('identify', null, ident, 'tpl-identify', 0, USERS, 'msg-identify-');
      await insert('track', 'Batch Replayed', trk, 'tpl-track', USERS, TRACKS, 'msg-track-');
    });
    await fake.reset();
    await fake.config({ processingDelayMs: 300 });
  }

  it('imports every event exactly once through batch jobs, audited per delivery with its job', async () => {
    await logEvents();
    const filter = {
      from: new Date(Date.now() - 24 * 3600_000).toISOString(),
      to: new Date(Date.now() + 60_000).toISOString(),
    };
    const replay = await admin('POST', '/admin/replays', {
      destinationId: seeded.destinationId,
      filter,
      ratePerSecond: 100_000,
    });
    expect(replay.status).toBe(202);
    // Presets only (v2 actions): batch is the default.
    expect(replay.body.mode).toBe('batch');
    const id = replay.body.id as string;
    const progress: number[] = [];
    let final: Json | undefined;
    await waitFor(
      'the replay to deliver everything',
      async () => {
        const r = await admin('GET', `/admin/replays/${id}`);
        progress.push(r.body.batch?.imported ?? 0);
        if (r.body.status === 'completed' && r.body.delivered + r.body.failed + r.body.skipped === TOTAL)
          final = r.body;
        return final !== undefined;
      },
      240_000,
      500,
    );
    expect(final).toMatchObject({
      mode: 'batch',
      status: 'completed',
      matched: TOTAL,
      delivered: TOTAL,
      failed: 0,
      skipped: 0,
    });
    // Three slices, each a users job and an events job (or more): 1,000 identifies = 3 users jobs of ≤ 400.
    expect(final!.batch).toMatchObject({ imported: TOTAL, itemErrors: 0, jobsRunning: 0 });
    for (let i = 1; i < progress.length; i++) expect(progress[i]).toBeGreaterThanOrEqual(progress[i - 1]);

    // The fake holds every track once and every user; it took them only through batch jobs.
    const tracks = (await fake.events()).filter((e) => String(e.properties.mid).startsWith('msg-track-'));
    const perMid = new Map<string, number>();
    for (const e of tracks) perMid.set(String(e.properties.mid), (perMid.get(String(e.properties.mid)) ?? 0) + 1);
    expect(perMid.size).toBe(TRACKS);
    expect([...perMid].filter(([, n]) => n !== 1)).toEqual([]);
    expect(tracks.every((e) => e.source === 'batch')).toBe(true);
    const users = (await (await fetch(`${env.FULLSTORY_BASE_URL}/__fake/users`)).json()) as Json[];
    expect(users.filter((u) => String(u.uid).startsWith('bulk-user-')).length).toBe(USERS);
    const singles = await fake.requests({ method: 'POST', path: '/v2/events' });
    expect(singles).toHaveLength(0);

    await withDb(env.DATABASE_URL, async (db) => {
      // One audit row per delivery, naming its job and its index, delivered.
      const rows = (
        await db.query<{ n: string; jobs: string; with_job: string; delivered: string; indexed: string }>(
          `SELECT count(*)::text AS n, count(DISTINCT batch_job_id)::text AS jobs,
                  count(*) FILTER (WHERE batch_job_id IS NOT NULL)::text AS with_job,
                  count(*) FILTER (WHERE decision = 'delivered' AND trigger = 'replay')::text AS delivered,
                  count(DISTINCT (batch_job_id, batch_index))::text AS indexed
             FROM delivery_attempts`,
        )
      ).rows[0];
      expect(rows).toEqual({
        n: String(TOTAL),
        jobs: rows.jobs,
        with_job: String(TOTAL),
        delivered: String(TOTAL),
        indexed: String(TOTAL),
      });
      const jobs = (
        await db.query<{
          slice: string;
          kind: string;
          created_at: Date;
          finished_at: Date;
          items: number;
          status: string;
        }>(
          `SELECT slice, kind, created_at, finished_at, items, status FROM replay_batch_jobs WHERE replay_id = $1 ORDER BY id`,
          [id],
        )
      ).rows;
      expect(Number(rows.jobs)).toBe(jobs.length);
      expect(jobs.every((j) => j.status === 'COMPLETED' && j.items <= MAX_ITEMS)).toBe(true);
      expect(jobs.reduce((s, j) => s + j.items, 0)).toBe(TOTAL);
      // Per slice: every users job ended before the first events job began.
      for (const slice of new Set(jobs.map((j) => j.slice))) {
        const of = jobs.filter((j) => j.slice === slice);
        const usersEnd = Math.max(0, ...of.filter((j) => j.kind === 'users').map((j) => j.finished_at.getTime()));
        const eventsStart = Math.min(...of.filter((j) => j.kind === 'events').map((j) => j.created_at.getTime()));
        expect(usersEnd).toBeLessThanOrEqual(eventsStart);
      }
    });
  });
});
