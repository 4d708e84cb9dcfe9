import { RunningApp, StackEnv, dropDatabase, stackEnv, startApp, waitFor, withDb } from '../support/stack';
import { SeededPair, seedSourceAndDestination } from '../support/seed';
import { IdentityHasher } from '@fsd/platform';
import { FakeFullStory, dropQueues } from '../support/delivery';
import { templatesThenEmptyLog } from '../support/log-templates';

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
      // One retry per call: a job whose creation keeps failing leaves its items to the next round's job.
      BATCH_REPLAY_CALL_RETRIES: '1',
    });
    // Room for every test's events: a cancelled replay's unsent deliveries arrive later, relayed live.
    const room = String(TOTAL + 10_000);
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
    const { identify: ident, track: trk } = await templatesThenEmptyLog(
      env.DATABASE_URL,
      ingest,
      seeded.writeKey,
      'Batch Replayed',
    );
    await withDb(env.DATABASE_URL, async (db) => {
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

  /** `count` tracks of users bulk2-user-(n % 50) from a new source connected to a new destination. */
  async function logTracks(count: number): Promise<SeededPair> {
    const pair = await seedSourceAndDestination(env.DATABASE_URL, env.SECRETS_KEY);
    await withDb(env.DATABASE_URL, async (db) => {
      const trk = (
        await db.query<{ payload: string; raw: string }>(
          `SELECT replace(payload::text, $2, $3) AS payload, replace(raw::text, $2, $3) AS raw FROM events
            WHERE message_id = $1`,
          ['msg-track-' + USERS, seeded.sourceId, pair.sourceId],
        )
      ).rows[0];
      await db.query(
        `INSERT INTO events (received_at, source_id, message_id, type, event_name, user_id, "timestamp", payload, raw)
         SELECT now() - interval '10 hours' + g * interval '1 millisecond', $1::uuid, $5 || g, 'track', 'Batch Replayed',
                'bulk2-user-' || (g % 50), now() - interval '10 hours',
                replace(replace($2, $4, $5 || g), 'bulk-user-0', 'bulk2-user-' || (g % 50))::json,
                replace(replace($3, $4, $5 || g), 'bulk-user-0', 'bulk2-user-' || (g % 50))::json
           FROM generate_series(0, $6::int - 1) AS g`,
        [pair.sourceId, trk.payload, trk.raw, 'msg-track-' + USERS, `msg-${pair.sourceId.slice(0, 8)}-`, count],
      );
    });
    return pair;
  }

  const window = () => ({
    from: new Date(Date.now() - 24 * 3600_000).toISOString(),
    to: new Date(Date.now() + 60_000).toISOString(),
  });

  async function jobsOf(replayId: string) {
    return withDb(
      env.DATABASE_URL,
      async (db) =>
        (
          await db.query<{ kind: string; round: number; status: string; items: number; job_id: string | null }>(
            'SELECT kind, round, status, items, job_id FROM replay_batch_jobs WHERE replay_id = $1 ORDER BY id',
            [replayId],
          )
        ).rows,
    );
  }

  it('retries items of a job that could not be created in a later job, and sends nothing of a suppressed user', async () => {
    const pair = await logTracks(500);
    await withDb(env.DATABASE_URL, async (db) => {
      const { rows } = await db.query<{ id: string }>(
        `INSERT INTO deletions (user_count, destination_ids, status, phase) VALUES (1, ARRAY[$1::uuid], 'completed', 'done')
         RETURNING id`,
        [pair.destinationId],
      );
      await db.query('INSERT INTO suppressed_identities (identity_hash, deletion_id) VALUES ($1, $2)', [
        new IdentityHasher(env.SECRETS_KEY).hash('bulk2-user-7'),
        rows[0].id,
      ]);
    });
    await fake.reset();
    await fake.config({ processingDelayMs: 0 });
    // The first creation and its one retry fail: the items go again in round 1's job.
    await fake.fault({ match: { method: 'POST', path: '/v2/events/batch' }, status: 503, times: 2 });
    const replay = await admin('POST', '/admin/replays', { destinationId: pair.destinationId, filter: window() });
    expect(replay.body.mode).toBe('batch');
    const id = replay.body.id as string;
    let final: Json | undefined;
    await waitFor('the replay to settle', async () => {
      const r = await admin('GET', `/admin/replays/${id}`);
      if (r.body.status === 'completed' && r.body.delivered + r.body.failed + r.body.skipped === 500) final = r.body;
      return final !== undefined;
    });
    // User 7's 10 events are skipped (suppressed), the other 490 delivered.
    expect(final).toMatchObject({ delivered: 490, skipped: 10, failed: 0 });
    const jobs = await jobsOf(id);
    // Jobs of at most 400: round 0's first job could not be created; its 400 items went in round 1's job.
    expect(jobs.map((j) => [j.kind, j.round, j.status, j.items, j.job_id === null])).toEqual([
      ['events', 0, 'NOT_CREATED', 400, true],
      ['events', 0, 'COMPLETED', 90, false],
      ['events', 1, 'COMPLETED', 400, false],
    ]);
    const held = (await fake.events()).filter((e) => String(e.uid).startsWith('bulk2-user-'));
    expect(held).toHaveLength(490);
    expect(held.filter((e) => e.uid === 'bulk2-user-7')).toEqual([]);
    await withDb(env.DATABASE_URL, async (db) => {
      const rows = (
        await db.query<{ decisions: string; n: string }>(
          `SELECT string_agg(a.decision || ':' || (a.batch_job_id IS NOT NULL), ',' ORDER BY a.id) AS decisions, count(*)::text AS n
             FROM delivery_attempts a JOIN deliveries d ON d.id = a.delivery_id
            WHERE d.destination_id = $1 GROUP BY a.delivery_id`,
          [pair.destinationId],
        )
      ).rows;
      const shapes = new Map<string, number>();
      for (const r of rows) shapes.set(r.decisions, (shapes.get(r.decisions) ?? 0) + 1);
      expect(Object.fromEntries(shapes)).toEqual({
        'retry_scheduled:false,delivered:true': 400,
        'delivered:true': 90,
        'skipped:false': 10,
      });
    });
  });

  it('pause holds new jobs, resume goes on; cancel creates no new job and records the jobs in flight', async () => {
    const pair = await logTracks(3000);
    await fake.reset();
    // Jobs stay PROCESSING long enough to pause and cancel with jobs in flight.
    await fake.config({ processingDelayMs: 1500 });
    const replay = await admin('POST', '/admin/replays', {
      destinationId: pair.destinationId,
      filter: window(),
      ratePerSecond: 100_000,
    });
    const id = replay.body.id as string;
    await waitFor('a job in flight', async () => (await jobsOf(id)).some((j) => j.status === 'PROCESSING'), 60_000, 50);
    expect((await admin('POST', `/admin/replays/${id}/pause`)).status).toBe(200);
    // The jobs in flight are followed to their end while paused.
    await waitFor(
      'the jobs in flight to finish',
      async () => (await jobsOf(id)).every((j) => j.status !== 'PROCESSING'),
      60_000,
      100,
    );
    const whilePaused = (await jobsOf(id)).length;
    expect(whilePaused).toBeLessThan(8); // 3 slices of 1,000 → 3 jobs each of ≤ 400; not all created
    expect((await admin('POST', `/admin/replays/${id}/resume`)).status).toBe(200);
    await waitFor('more jobs after resume', async () => (await jobsOf(id)).length > whilePaused, 60_000, 100);
    await waitFor(
      'a job in flight again',
      async () => (await jobsOf(id)).some((j) => j.status === 'PROCESSING'),
      60_000,
      50,
    );
    expect((await admin('POST', `/admin/replays/${id}/cancel`)).status).toBe(200);
    await waitFor(
      'the jobs in flight to finish',
      async () => (await jobsOf(id)).every((j) => j.status !== 'PROCESSING'),
      60_000,
      100,
    );
    const jobs = await jobsOf(id);
    expect(jobs.every((j) => j.status === 'COMPLETED')).toBe(true);
    const sent = jobs.reduce((n, j) => n + j.items, 0);
    expect(sent).toBeLessThan(3000);
    // What the jobs carried reached FullStory once, and each of those items has its audit row naming its job.
    await waitFor(
      'the cancelled slices to record what they sent',
      () =>
        withDb(env.DATABASE_URL, async (db) => {
          const { rows } = await db.query<{ n: string }>(
            `SELECT count(*)::text AS n FROM delivery_attempts a JOIN deliveries d ON d.id = a.delivery_id
              WHERE d.destination_id = $1 AND a.batch_job_id IS NOT NULL AND a.decision = 'delivered'`,
            [pair.destinationId],
          );
          return Number(rows[0].n) === sent;
        }),
      60_000,
    );
    // (Deliveries the cancel left unsent are open deliveries again: the outbox relay may send those live, as after
    // a per-event replay's cancel; the batch jobs carried only what was counted above, each once.)
    const held = (await fake.events()).filter((e) => String(e.uid).startsWith('bulk2-user-'));
    expect(held.filter((e) => e.source === 'batch')).toHaveLength(sent);
    expect(new Set(held.map((e) => String(e.properties.mid))).size).toBe(held.length);
    expect((await jobsOf(id)).length).toBe(jobs.length);
  });

  it('runs again the slices whose jobs Redis lost mid-replay: every event imported exactly once', async () => {
    // Six slices of 1,000, four run at a time: when the queue is wiped, some are running and some still waiting.
    const pair = await logTracks(6000);
    await fake.reset();
    // Jobs stay PROCESSING a while: the slices' jobs are wiped while their runs are in flight.
    await fake.config({ processingDelayMs: 1000 });
    const replay = await admin('POST', '/admin/replays', {
      destinationId: pair.destinationId,
      filter: window(),
      ratePerSecond: 100_000,
    });
    const id = replay.body.id as string;
    await waitFor('a job in flight', async () => (await jobsOf(id)).some((j) => j.status === 'PROCESSING'), 60_000, 50);
    await waitFor(
      'the walk to have enqueued every slice',
      async () => (await admin('GET', `/admin/replays/${id}`)).body.status === 'completed',
      60_000,
      50,
    );
    // Redis restarted empty, as far as the batch replay queue goes: every slice job (waiting or active) is gone.
    expect(await dropBatchReplayQueue()).toBeGreaterThan(0);
    let final: Json | undefined;
    await waitFor('every delivery to settle', async () => {
      const r = await admin('GET', `/admin/replays/${id}`);
      if (r.body.delivered + r.body.failed + r.body.skipped === 6000) final = r.body;
      return final !== undefined;
    });
    // User bulk2-user-7 was erased by an earlier test: its 120 events are skipped.
    expect(final).toMatchObject({ delivered: 5880, failed: 0, skipped: 120 });
    // This replay's events only (the cancelled replay's unsent deliveries may still arrive, relayed live).
    const prefix = `msg-${pair.sourceId.slice(0, 8)}-`;
    const held = (await fake.events()).filter((e) => String(e.properties.mid).startsWith(prefix));
    expect(held).toHaveLength(5880);
    expect(new Set(held.map((e) => String(e.properties.mid))).size).toBe(5880);
    expect(held.every((e) => e.source === 'batch')).toBe(true);
    await withDb(env.DATABASE_URL, async (db) => {
      const audited = await db.query<{ n: string }>(
        `SELECT count(DISTINCT a.delivery_id)::text AS n FROM delivery_attempts a JOIN deliveries d ON d.id = a.delivery_id
          WHERE d.destination_id = $1 AND a.decision = 'delivered' AND a.batch_job_id IS NOT NULL`,
        [pair.destinationId],
      );
      expect(audited.rows[0].n).toBe('5880');
      // Exactly one row each: a slice run again (its job lost while its first run was in flight) records
      // nothing the first run recorded.
      const rows = await db.query<{ n: string }>(
        `SELECT count(*)::text AS n FROM delivery_attempts a JOIN deliveries d ON d.id = a.delivery_id
          WHERE d.destination_id = $1 AND a.decision = 'delivered'`,
        [pair.destinationId],
      );
      expect(rows.rows[0].n).toBe('5880');
    });
    // The slice recovery found the lost jobs and added them again.
    const ingestLog = apps.find((a) => a.name === 'ingest-api')!.output.join('');
    expect(ingestLog).toMatch(new RegExp(`replay ${id} slice \\w+: its job is missing from Redis`));
    await waitFor('the slices to be settled', () =>
      withDb(env.DATABASE_URL, async (db) => {
        const { rows } = await db.query<{ status: string; n: string }>(
          `SELECT status, count(*)::text AS n FROM replay_slices WHERE replay_id = $1 GROUP BY status`,
          [id],
        );
        return rows.length === 1 && rows[0].status === 'settled' && rows[0].n === '6';
      }),
    );
  });

  /** Deletes every key of the batch replay queue; returns how many. */
  async function dropBatchReplayQueue(): Promise<number> {
    const { default: Redis } = await import('ioredis');
    const redis = new Redis(env.REDIS_URL);
    let deleted = 0;
    try {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${env.QUEUE_PREFIX}:{batch-replay}:*`, 'COUNT', 1000);
        cursor = next;
        if (keys.length > 0) deleted += await redis.del(...keys);
      } while (cursor !== '0');
    } finally {
      redis.disconnect();
    }
    return deleted;
  }
});
