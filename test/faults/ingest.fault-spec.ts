import { BatchLoad } from './support/batch-load';
import { FaultStack } from './support/harness';
import { reconcile, unstored } from './support/reconcile';
import { scanForSecrets } from './support/secrets';
import { withDb } from '../support/stack';

/**
 * ingest-api SIGKILLed in the middle of a `/v1/batch` load and started again: the client retries the
 * batches that were not acknowledged with the same messageIds. What was committed before the kill but
 * not yet enqueued reaches the queue through the outbox relay; what was committed but never answered
 * is absorbed by dedup when the client sends it again.
 */
describe('faults: ingest-api killed mid-load', () => {
  const stack = new FaultStack('ingest');

  beforeAll(async () => {
    await stack.startFake();
    await stack.start('ingest-api');
    await stack.start('delivery-worker');
  });

  afterAll(async () => {
    await stack.stopAll();
    await stack.drop();
  });

  it('every acknowledged event stored and delivered exactly once; the retried ones not twice', async () => {
    const seeded = await stack.scenario();
    const load = new BatchLoad(stack.ingestUrl, seeded.writeKey, 'kill', 10, 3);
    load.start();
    await load.untilAcked(600);
    const first = stack.started.find((a) => a.name === 'ingest-api')!;
    const inFlight = load.inFlight;
    await first.stop('SIGKILL');
    const killedAt = Date.now();
    // The client sees the API gone (no answer), then back.
    await load.untilAnswered(0, killedAt);
    const restartAt = Date.now();
    await stack.start('ingest-api');
    await load.untilAnswered(200, restartAt);
    await load.untilAcked(load.acked().size + 300);
    await load.stop();

    expect(inFlight).toBeGreaterThan(0);
    expect(await unstored(stack, seeded.sourceId, load.acked())).toEqual([]);
    const unacked = load.unacked();
    expect(unacked.length).toBeGreaterThan(0);
    // Some of them may have been committed before the kill, their answer lost: the retry must not store them again.
    const storedUnanswered = await withDb(
      stack.env.DATABASE_URL,
      async (db) =>
        (
          await db.query<{ n: number }>(
            'SELECT count(*)::int AS n FROM events WHERE source_id = $1 AND message_id = ANY($2)',
            [seeded.sourceId, unacked],
          )
        ).rows[0].n,
    );
    stack.answers.push(...load.errorBodies());
    await load.retryUntilAcked();

    const r = await reconcile(stack, seeded, load.acked());
    expect(r.stored).toBe(load.acked().size);
    expect(r.acked).toBe(new Set(load.outcomes.map((o) => o.messageId)).size);
    console.log(`ingest SIGKILL: ${JSON.stringify({ ...r, inFlight, unacked: unacked.length, storedUnanswered })}`);
  });

  it('leaks no secret: logs, job payloads, audit rows, API answers', async () => {
    expect(await scanForSecrets(stack)).toEqual([]);
    await stack.stopAll();
    expect(await scanForSecrets(stack)).toEqual([]);
  });
});
