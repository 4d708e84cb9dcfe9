import { spawn } from 'child_process';
import path from 'path';
import { ROOT, StackEnv, waitFor, withDb } from '../support/stack';
import { SeededPair } from '../support/seed';
import { useStack } from '../support/use-stack';
import { BatchGate } from '../support/batch-gate';

const CLIENT = path.join(ROOT, 'test/fixtures/segment-client.js');

interface ClientRun {
  kill(): void;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string }>;
}

function startClient(env: Record<string, string>): ClientRun {
  const child = spawn(process.execPath, [CLIENT], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  return {
    kill: () => child.kill('SIGKILL'),
    exited: new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, out }))),
  };
}

const runClient = (env: Record<string, string>) => startClient(env).exited;

/** Issue 4's real-client test: the official Segment Node client, unchanged, pointed at the ingest API. */
describe('@segment/analytics-node against the ingest API', () => {
  const stack = useStack('analytics_node');
  let env: StackEnv;
  let seeded: SeededPair;
  let ingestUrl: string;
  // The spec's shorthands for the stack's parts (set once useStack's beforeAll has run).
  beforeAll(() => ({ env, ingest: ingestUrl, seeded } = stack));

  it('stores every call with the right fields and delivers track and identify to FullStory', async () => {
    const count = 3000;
    const result = await runClient({
      INGEST_URL: ingestUrl,
      WRITE_KEY: seeded.writeKey,
      COUNT: String(count),
      PREFIX: 'mix',
    });
    expect(result.out).toContain(`sent ${count} failures 0`);

    const rows = await withDb(env.DATABASE_URL, async (db) => {
      const byType = await db.query<{ type: string; n: number }>(
        `SELECT type, count(*)::int AS n FROM events WHERE message_id LIKE 'mix-%' GROUP BY type ORDER BY type`,
      );
      const sample = await db.query(`SELECT payload, raw FROM events WHERE message_id = 'mix-0'`);
      return { byType: byType.rows, sample: sample.rows[0] };
    });
    expect(rows.byType).toEqual([
      { type: 'group', n: 500 },
      { type: 'identify', n: 500 },
      { type: 'page', n: 500 },
      { type: 'screen', n: 500 },
      { type: 'track', n: 1000 },
    ]);
    const payload = rows.sample.payload;
    expect(payload).toMatchObject({
      type: 'track',
      messageId: 'mix-0',
      userId: 'user-0',
      event: 'Order Completed',
      properties: { i: 0, revenue: 0 },
      context: { library: { name: '@segment/analytics-node' } },
    });
    // analytics-node sends sentAt at batch level only; the ingest applies it and corrects the clock skew.
    expect(payload.sentAt).toMatch(/Z$/);
    expect(payload.originalTimestamp).toMatch(/Z$/);
    expect(payload.receivedAt).toMatch(/Z$/);
    expect(rows.sample.raw.writeKey).toBeUndefined();

    const delivered = await waitFor(
      'all deliveries to settle',
      () =>
        withDb(env.DATABASE_URL, async (db) => {
          const r = await db.query<{ status: string; n: number }>(
            `SELECT status, count(*)::int AS n FROM deliveries GROUP BY status ORDER BY status`,
          );
          const open = r.rows.filter((x) => x.status === 'pending' || x.status === 'retrying');
          return open.length === 0 ? r.rows : null;
        }),
      60000,
      250,
    );
    // track → Track Event V2, identify → Identify User V2; page, screen and group match no preset.
    expect(delivered).toEqual([
      { status: 'delivered', n: 1500 },
      { status: 'skipped', n: 1500 },
    ]);
    const fake = (await (await fetch(`http://127.0.0.1:${env.FAKE_FULLSTORY_PORT}/__fake/requests`)).json()) as {
      path: string;
    }[];
    expect(fake.filter((r) => r.path === '/v2/events')).toHaveLength(1000);
    expect(fake.filter((r) => r.path === '/v2/users')).toHaveLength(500);
  });

  it('loses nothing and duplicates nothing when a client is killed mid-flush and sends again', async () => {
    const count = 2000;
    const clientEnv = { WRITE_KEY: seeded.writeKey, COUNT: String(count), PREFIX: 'killed' };
    // The gate lets three batch calls through and holds the rest: the client is killed mid-flush, for sure.
    const gate = new BatchGate(ingestUrl, 3);
    await gate.start();
    try {
      const first = startClient({ ...clientEnv, INGEST_URL: gate.url });
      await waitFor('three batches stored and a fourth held', async () => gate.forwardedCalls === 3 && gate.held > 0);
      first.kill();
      const killed = await first.exited;
      expect(killed.signal).toBe('SIGKILL');
      expect(killed.out).not.toContain('sent');
    } finally {
      await gate.stop();
    }
    const partial = await withDb(
      env.DATABASE_URL,
      async (db) =>
        (await db.query(`SELECT count(*)::int AS n FROM events WHERE message_id LIKE 'killed-%'`)).rows[0].n,
    );
    // Exactly what the three forwarded calls carried: some of the events, not all.
    expect(partial).toBe(gate.forwardedEvents);
    expect(partial).toBeGreaterThan(0);
    expect(partial).toBeLessThan(count);
    // The application retries everything it had not confirmed, with the same messageIds.
    const second = await runClient({ ...clientEnv, INGEST_URL: ingestUrl });
    expect(second.out).toContain(`sent ${count} failures 0`);
    const stored = await withDb(
      env.DATABASE_URL,
      async (db) =>
        (
          await db.query(
            `SELECT count(*)::int AS n, count(DISTINCT message_id)::int AS d FROM events WHERE message_id LIKE 'killed-%'`,
          )
        ).rows[0],
    );
    expect(stored).toEqual({ n: count, d: count });
  });
});
