import { FaultStack } from './support/harness';
import { untilHealth } from './support/health';
import { SteadyLoad } from './support/load';
import { PgServer } from './support/pg-server';
import { reconcile, unstored } from './support/reconcile';
import { scanForSecrets } from './support/secrets';
import { SeededPair } from '../support/seed';
import { RunningApp, freePort, waitFor, withDb } from '../support/stack';

/**
 * Postgres itself fails while events flow, on a private cluster of the suite's own: the postmaster is
 * SIGKILLed and started again (crash recovery), and it is stopped for 30 s. While it is down ingest
 * answers 503 with the storage_unavailable body and both apps' /health say Postgres is down; afterwards
 * every acknowledged event is stored once and delivered exactly once, and the audit rows the worker
 * had to hold back while Postgres was away are all written.
 */
describe('faults: Postgres crashes and stops', () => {
  const EVENTS = { method: 'POST', path: '/v2/events' };
  const REFUSED = {
    success: false,
    code: 'storage_unavailable',
    message: 'The event log cannot be written right now; nothing was stored. Retry later.',
  };
  let pg: PgServer | undefined;
  let stack: FaultStack;
  let ingest: RunningApp;
  let worker: RunningApp;

  beforeAll(async () => {
    pg = new PgServer(freePort());
    await pg.start();
    stack = new FaultStack('postgres', { DATABASE_URL: pg.url('fsd_faults') });
    await stack.startFake();
    ingest = await stack.start('ingest-api');
    worker = await stack.start('delivery-worker');
  });

  afterAll(async () => {
    await stack?.stopAll();
    await pg?.destroy();
  });

  /** Requests at the fake not answered yet: their audit rows are written once FullStory answers. */
  async function inFlightAtFake(): Promise<number> {
    return (await stack.fake.requests(EVENTS)).filter((r) => r.status === null).length;
  }

  /** Both apps report Postgres down, ingest refuses a message sent after `since` with the clear body. */
  async function expectRefusing(load: SteadyLoad, since: number): Promise<void> {
    const refused = await load.untilAnswered(503, since);
    expect(JSON.parse(refused.body)).toEqual(REFUSED);
    for (const app of [ingest, worker]) {
      const health = await untilHealth(app, 'postgres', 'down');
      expect(health.body.details).toMatchObject({ postgres: { status: 'down' }, redis: { status: 'up' } });
    }
  }

  /** Both apps are healthy again and ingest acknowledges messages sent after `since`. */
  async function expectRecovered(load: SteadyLoad, since: number): Promise<void> {
    for (const app of [ingest, worker]) await untilHealth(app, 'postgres', 'up');
    await load.untilAnswered(200, since);
  }

  /** Stops the load, checks acknowledged = stored before any client retry, then retries the refused messages. */
  async function finish(load: SteadyLoad, seeded: SeededPair): Promise<number> {
    await load.stop();
    await stack.clearFaults();
    expect(await unstored(stack, seeded.sourceId, load.acked())).toEqual([]);
    stack.answers.push(...load.errorBodies());
    const refused = load.unacked().length;
    // Some refused messages may have been stored without an answer (the crash cut the commit's reply): dedup absorbs them.
    await load.retryUntilAcked(60000);
    return refused;
  }

  it('SIGKILLed mid-load and restarted: crash recovery keeps what was acknowledged, all delivered once', async () => {
    const seeded = await stack.scenario();
    // Slow answers keep requests in flight, so the worker has audit rows to write when Postgres dies.
    await stack.fake.fault({ match: EVENTS, latencyMs: 300 });
    const load = new SteadyLoad(stack.ingestUrl, seeded.writeKey, 'crash', 150);
    load.start();
    await load.untilAcked(300);
    // Waits for the worker to have requests out (a busy machine can still be taking the new destination's first
    // jobs after 300 acknowledgements): the crash must cut some attempts whose audit rows are not written yet.
    const inFlight = await waitFor('a request in flight at the fake', async () => (await inFlightAtFake()) || false);
    await pg!.crash();
    const crashedAt = Date.now();
    await expectRefusing(load, crashedAt);
    const restartAt = Date.now();
    await pg!.start();
    expect(pg!.log.join('')).toMatch(/database system was not properly shut down; automatic recovery in progress/);
    await expectRecovered(load, restartAt);
    await load.untilAcked(load.acked().size + 150);
    const refused = await finish(load, seeded);

    expect(inFlight).toBeGreaterThan(0);
    expect(refused).toBeGreaterThan(0);
    const r = await reconcile(stack, seeded, load.acked());
    expect(r.stored).toBe(load.acked().size);
    console.log(`Postgres crash: ${JSON.stringify({ ...r, inFlight, refused, statuses: load.statusCounts() })}`);
  });

  it('stopped for 30 s under load: refuses with 503 meanwhile, then delivers everything acknowledged once', async () => {
    const seeded = await stack.scenario();
    await stack.fake.fault({ match: EVENTS, latencyMs: 300 });
    const load = new SteadyLoad(stack.ingestUrl, seeded.writeKey, 'down', 80);
    load.start();
    await load.untilAcked(200);
    // Three requests held at the fake for 1.5 s (under the fault stack's 2 s timeout), in flight when Postgres goes:
    // on a slow machine the stop can outlast the usual 300 ms answers, and these still end while it is down.
    await stack.fake.clearFaults();
    await stack.fake.fault({ match: EVENTS, latencyMs: 1500, times: 3 });
    await stack.fake.fault({ match: EVENTS, latencyMs: 300 });
    await waitFor('the three held requests at the fake', async () => {
      const faults = (await (await fetch(`${stack.env.FULLSTORY_BASE_URL}/__fake/faults`)).json()) as {
        applied: number;
      }[];
      return faults[0].applied === 3;
    });
    const inFlight = await inFlightAtFake();
    // From the stop signal on, Postgres takes no new session and ends the open ones ("fast" shutdown): an attempt
    // answered after it can only be written once Postgres is back, however long the shutdown's checkpoint takes.
    const stoppingAt = Date.now();
    await pg!.stop();
    const stoppedAt = Date.now();
    await expectRefusing(load, stoppedAt);
    // The outage itself is the fault under test: Postgres stays away for 30 s while the load goes on.
    await new Promise((r) => setTimeout(r, Math.max(0, stoppedAt + 30000 - Date.now())));
    const restartAt = Date.now();
    // Every message sent once Postgres was gone and answered before it came back was refused, with the clear body.
    const during = load.outcomes.filter((o) => o.sentAt > stoppedAt && o.at < restartAt);
    await pg!.start();
    await expectRecovered(load, restartAt);
    await load.untilAcked(load.acked().size + 100);
    const refused = await finish(load, seeded);

    expect(inFlight).toBeGreaterThan(0);
    expect(during.length).toBeGreaterThan(1000);
    expect(during.filter((o) => o.status !== 503 || o.body !== JSON.stringify(REFUSED))).toEqual([]);
    const r = await reconcile(stack, seeded, load.acked());
    expect(r.stored).toBe(load.acked().size);
    expect(refused).toBeGreaterThanOrEqual(during.length);
    // Attempts FullStory answered while Postgres was stopped: their rows could only be written once it was back.
    const waited = await withDb(
      stack.env.DATABASE_URL,
      async (db) =>
        (
          await db.query<{ n: number }>(
            `SELECT count(*)::int AS n FROM delivery_attempts a JOIN deliveries d ON d.id = a.delivery_id
              WHERE d.destination_id = $1 AND a.finished_at > to_timestamp($2 / 1000.0) AND a.finished_at < to_timestamp($3 / 1000.0)`,
            [seeded.destinationId, stoppingAt, restartAt],
          )
        ).rows[0].n,
    );
    expect(waited).toBeGreaterThan(0);
    const stopMs = stoppedAt - stoppingAt;
    console.log(
      `Postgres down 30 s: ${JSON.stringify({ ...r, inFlight, waited, refused, stopMs, during: during.length })}`,
    );
  });

  it('leaks no secret: logs, job payloads, audit rows, API answers', async () => {
    expect(await scanForSecrets(stack)).toEqual([]);
    await stack.stopAll();
    expect(await scanForSecrets(stack)).toEqual([]);
  });
});
