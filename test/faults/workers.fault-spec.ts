import { FaultStack } from './support/harness';
import { reconcile } from './support/reconcile';
import { SteadyLoad } from './support/load';
import { findSecrets, scanForSecrets } from './support/secrets';
import { CapturedRequest, header, redactedAuthorization } from '../support/delivery';
import { RunningApp, waitFor, withDb } from '../support/stack';

/**
 * Worker faults with events flowing: a worker killed with SIGKILL mid-delivery and restarted, and two
 * workers sharing the queues. Each ends with an exact reconciliation.
 */
describe('faults: delivery workers', () => {
  const stack = new FaultStack('workers', { FULLSTORY_TIMEOUT_MS: '2500', JOB_LOCK_MS: '3000' });

  beforeAll(async () => {
    await stack.startFake();
    await stack.start('ingest-api');
  });

  afterAll(async () => {
    await stack.stopAll();
    await stack.drop();
  });

  afterEach(async () => {
    for (const app of stack.started) if (app.name === 'delivery-worker') await app.stop();
  });

  async function eventRequests(): Promise<CapturedRequest[]> {
    return stack.fake.requests({ method: 'POST', path: '/v2/events' });
  }

  async function sessionsOf(applicationName: string): Promise<number> {
    return withDb(
      stack.env.DATABASE_URL,
      async (db) =>
        (
          await db.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1', [
            applicationName,
          ])
        ).rows[0].n,
    );
  }

  async function attemptsWithRequest(destinationId: string): Promise<number> {
    return withDb(
      stack.env.DATABASE_URL,
      async (db) =>
        (
          await db.query<{ n: number }>(
            `SELECT count(*)::int AS n FROM delivery_attempts a JOIN deliveries d ON d.id = a.delivery_id
              WHERE d.destination_id = $1 AND a.request_method IS NOT NULL`,
            [destinationId],
          )
        ).rows[0].n,
    );
  }

  it('a worker killed with SIGKILL mid-delivery, then restarted: every acknowledged event delivered exactly once', async () => {
    // Its own application_name tells this worker's Postgres sessions apart from everyone else's.
    const doomed = 'fsd-doomed-worker';
    const worker = await stack.start('delivery-worker', {
      DATABASE_URL: `${stack.env.DATABASE_URL}?application_name=${doomed}`,
    });
    const seeded = await stack.scenario();
    // Slow answers, so that the worker always has requests in flight when it dies.
    await stack.fake.fault({ match: { method: 'POST', path: '/v2/events' }, latencyMs: 300 });
    const load = new SteadyLoad(stack.ingestUrl, seeded.writeKey, 'kill', 150);
    load.start();
    await load.untilAcked(450);
    const inFlight = await waitFor('requests in flight at the fake', async () => {
      const n = (await eventRequests()).filter((r) => r.status === null).length;
      return n > 0 ? n : null;
    });
    await worker.stop('SIGKILL');
    // Once Postgres has ended the dead worker's sessions, none of its writes can still land: what it sent
    // but could not record is the requests at the fake less its attempt rows.
    await waitFor("the dead worker's sessions to end", async () => (await sessionsOf(doomed)) === 0);
    const unaudited = (await eventRequests()).length - (await attemptsWithRequest(seeded.destinationId));
    expect(inFlight).toBeGreaterThan(0);
    expect(unaudited).toBeGreaterThan(0);
    await stack.start('delivery-worker');
    await load.untilAcked(load.acked().size + 450);
    await load.stop();
    await stack.clearFaults();
    // As a Segment client does: what timed out under load is sent again; nothing may be refused.
    await load.retryUntilAcked();
    expect(load.nonRetryable()).toEqual([]);
    expect(load.unacked()).toEqual([]);

    const r = await reconcile(stack, seeded, load.acked(), { unaudited, timeoutMs: 60000 });
    // The requests the dead worker had in flight were re-sent with their key and absorbed by FullStory.
    expect(r.replayed).toBe(unaudited);
    console.log(`SIGKILL: ${JSON.stringify({ ...r, inFlight, unaudited })}`);
  });

  it('two workers at once: every acknowledged event delivered exactly once, both took part', async () => {
    const a = await stack.start('delivery-worker');
    const b = await stack.start('delivery-worker');
    const seeded = await stack.scenario();
    await stack.fake.fault({ match: { method: 'POST', path: '/v2/events' }, latencyMs: 20 });
    const load = new SteadyLoad(stack.ingestUrl, seeded.writeKey, 'two', 200);
    await load.runUntilAcked(1200);
    // As a Segment client does: what timed out under load is sent again; nothing may be refused.
    await load.retryUntilAcked();
    expect(load.nonRetryable()).toEqual([]);
    expect(load.unacked()).toEqual([]);

    const r = await reconcile(stack, seeded, load.acked());
    expect(r.requests).toBe(r.stored);
    expect(r.replayed).toBe(0);
    const delivered = async (w: RunningApp) => {
      const text = await (await fetch(`http://127.0.0.1:${w.port}/metrics`)).text();
      return text
        .split('\n')
        .filter((l) => l.startsWith('fsd_deliveries_total{') && l.includes(`destination="${seeded.destinationId}"`))
        .filter((l) => l.includes('outcome="delivered"'))
        .reduce((sum, l) => sum + Number(l.split(' ').at(-1)), 0);
    };
    const byA = await delivered(a);
    const byB = await delivered(b);
    expect(byA).toBeGreaterThan(0);
    expect(byB).toBeGreaterThan(0);
    expect(byA + byB).toBe(r.stored);
    console.log(`two workers: ${JSON.stringify({ ...r, byA, byB })}`);
  });

  it('leaks no secret: logs, job payloads, audit rows, API answers', async () => {
    // FullStory (the fake, which keeps only the credential's hash) saw exactly the API key...
    const seen = new Set((await eventRequests()).map((r) => header(r, 'authorization')));
    expect([...seen]).toEqual([redactedAuthorization(`Basic ${stack.apiKey}`)]);
    // ...and the scan finds that key wherever it is written, as the worker sends it.
    const control = [{ where: 'control', text: `Authorization: Basic ${stack.apiKey}` }];
    expect(findSecrets([stack.apiKey], control)).toEqual([`${stack.apiKey.slice(0, 12)}… in control`]);
    expect(await scanForSecrets(stack)).toEqual([]);
    await stack.stopAll();
    expect(await scanForSecrets(stack)).toEqual([]);
  });
});
