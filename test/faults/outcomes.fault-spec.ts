import { randomUUID } from 'crypto';
import { defaultMapping } from '@fsd/mapping';
import { SecretBox, apiKeyBinding } from '@fsd/platform';
import { FaultStack } from './support/harness';
import { EventShape, SteadyLoad } from './support/load';
import { reconcile } from './support/reconcile';
import { scanForSecrets } from './support/secrets';
import { SeededPair, addMapping, seedSourceAndDestination } from '../support/seed';
import { withDb } from '../support/stack';

/**
 * Every outcome, reconciled: one source feeding two destinations while FullStory misbehaves.
 * - "main": `Deliver` events go to /v2/events, which answers 500 to 30% of requests (retried until
 *   delivered); `Reject` events go to version 1 for users the fake answers 400 (failed permanently);
 *   everything else matches no subscription (skipped).
 * - "capped" (maxAttempts 3): `Exhaust` events go to version 1 for users the fake answers 503 (failed
 *   once the third attempt gives up); everything else is skipped.
 * Each event ends in exactly one outcome per destination, in known numbers, with attempt rows that say why.
 */
describe('faults: delivered, failed and skipped, all reconciled', () => {
  const stack = new FaultStack('outcomes');
  const KINDS = ['Deliver', 'Reject', 'Exhaust', 'Ignore'] as const;
  const CAP = 3;
  // Version 1 puts the user in the path: one user per event makes each request identifiable at the fake.
  const shape: EventShape = (n, messageId) => ({
    event: KINDS[n % 4],
    userId: `${KINDS[n % 4].toLowerCase()}-${messageId}`,
  });

  beforeAll(async () => {
    await stack.startFake();
    await stack.start('ingest-api');
    await stack.start('delivery-worker');
  });

  afterAll(async () => {
    await stack.stopAll();
    await stack.drop();
  });

  /** The source with the "main" destination, and the "capped" one on the same source. */
  async function seed(): Promise<{ main: SeededPair; capped: string }> {
    const { env } = stack;
    const main = await seedSourceAndDestination(env.DATABASE_URL, env.SECRETS_KEY, {
      apiKey: stack.apiKey,
      presets: { trackEvent: false, identifyUser: false },
    });
    stack.writeKeys.push(main.writeKey);
    const v1 = { action: 'trackEvent', mapping: defaultMapping('trackEvent') };
    await addMapping(env.DATABASE_URL, main.destinationId, {
      name: 'deliver',
      trigger: 'event = "Deliver"',
      action: 'trackEventV2',
      mapping: defaultMapping('trackEventV2'),
    });
    await addMapping(env.DATABASE_URL, main.destinationId, { name: 'reject', trigger: 'event = "Reject"', ...v1 });
    const capped = await withDb(env.DATABASE_URL, async (db) => {
      // The id is chosen up front: the sealed API key is bound to its row.
      const id = randomUUID();
      await db.query(
        `INSERT INTO destinations (id, name, api_key_encrypted, presets, settings)
         VALUES ($1, 'capped', $2, '{"trackEvent": false, "identifyUser": false}', $3)`,
        [
          id,
          new SecretBox(env.SECRETS_KEY).seal(stack.apiKey, apiKeyBinding(id)),
          JSON.stringify({ maxAttempts: CAP }),
        ],
      );
      await db.query('INSERT INTO destination_sources (destination_id, source_id) VALUES ($1, $2)', [
        id,
        main.sourceId,
      ]);
      return id;
    });
    await addMapping(env.DATABASE_URL, capped, { name: 'exhaust', trigger: 'event = "Exhaust"', ...v1 });
    await stack.untilServed(main.destinationId);
    await stack.untilServed(capped);
    return { main, capped };
  }

  /** Attempt rows per destination, answer and decision: the reasons behind each outcome, counted. */
  async function attemptTally(destinationId: string): Promise<Record<string, number>> {
    return withDb(stack.env.DATABASE_URL, async (db) => {
      const { rows } = await db.query<{ k: string; n: number }>(
        `SELECT coalesce(a.response_status::text, a.skip_reason) || ' ' || a.decision AS k, count(*)::int AS n
           FROM delivery_attempts a JOIN deliveries d ON d.id = a.delivery_id
          WHERE d.destination_id = $1 GROUP BY 1`,
        [destinationId],
      );
      return Object.fromEntries(rows.map((r) => [r.k, r.n]));
    });
  }

  it('each event ends delivered, failed or skipped per destination, as its attempt rows explain', async () => {
    await stack.fake.reset();
    await stack.registerKey();
    const { main, capped } = await seed();
    await stack.fake.fault({ match: { method: 'POST', path: '/v2/events' }, status: 500, ratio: 0.3 });
    await stack.fake.fault({ match: { method: 'POST', path: '/users/v1/individual/reject*' }, status: 400 });
    await stack.fake.fault({ match: { method: 'POST', path: '/users/v1/individual/exhaust*' }, status: 503 });
    const load = new SteadyLoad(stack.ingestUrl, main.writeKey, 'mix', 150, shape);
    await load.runUntilAcked(400);
    // As a Segment client does: what timed out under load is sent again; nothing may be refused.
    await load.retryUntilAcked();
    expect(load.nonRetryable()).toEqual([]);
    expect(load.unacked()).toEqual([]);
    const acked = load.acked();
    const count = (kind: (typeof KINDS)[number]) =>
      [...acked].filter((m) => KINDS[Number(m.slice(m.lastIndexOf('-') + 1)) % 4] === kind).length;
    const n = {
      deliver: count('Deliver'),
      reject: count('Reject'),
      exhaust: count('Exhaust'),
      ignore: count('Ignore'),
    };
    expect(Math.min(...Object.values(n))).toBeGreaterThanOrEqual(100);

    const r = await reconcile(stack, main, acked, {
      destinations: [
        {
          destinationId: main.destinationId,
          outcomes: { delivered: n.deliver, failed: n.reject, skipped: n.exhaust + n.ignore },
        },
        {
          destinationId: capped,
          maxAttempts: CAP,
          outcomes: { delivered: 0, failed: n.exhaust, skipped: n.deliver + n.reject + n.ignore },
        },
      ],
    });
    await stack.clearFaults();

    const mainTally = await attemptTally(main.destinationId);
    expect(mainTally['500 retry_scheduled']).toBeGreaterThan(0);
    expect(mainTally).toEqual({
      '200 delivered': n.deliver,
      '500 retry_scheduled': mainTally['500 retry_scheduled'],
      '400 failed_permanently': n.reject,
      'not subscribed skipped': n.exhaust + n.ignore,
    });
    expect(await attemptTally(capped)).toEqual({
      '503 retry_scheduled': (CAP - 1) * n.exhaust,
      '503 failed_permanently': n.exhaust,
      'not subscribed skipped': n.deliver + n.reject + n.ignore,
    });
    console.log(`outcomes: ${JSON.stringify({ ...r, kinds: n, mainTally })}`);
  });

  it('leaks no secret: logs, job payloads, audit rows, API answers', async () => {
    expect(await scanForSecrets(stack)).toEqual([]);
    await stack.stopAll();
    expect(await scanForSecrets(stack)).toEqual([]);
  });
});
