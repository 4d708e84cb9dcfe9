import type { ClientBase } from 'pg';
import { countBy } from '../../support/count-by';
import { CapturedRequest, header } from '../../support/delivery';
import { SeededPair } from '../../support/seed';
import { waitFor, withDb } from '../../support/stack';
import { FaultStack } from './harness';
import { AttemptFacts, Outcome, requestIdentity, unexplained } from './outcome';

/** How one destination of the source must end. */
export interface DestinationExpectation {
  destinationId: string;
  /** The destination's attempt cap (its `maxAttempts` setting); the stack's DELIVERY_MAX_ATTEMPTS by default. */
  maxAttempts?: number;
  /** Exact outcome counts; by default every stored event is delivered. */
  outcomes?: Partial<Record<Outcome, number>>;
}

export interface ReconcileOptions {
  timeoutMs?: number;
  /** Requests a killed worker sent but could not record (they reached FullStory, no attempt row says so). */
  unaudited?: number;
  /** The destinations to reconcile; by default the seeded one, every event delivered. */
  destinations?: DestinationExpectation[];
}

export interface Reconciliation {
  acked: number;
  stored: number;
  /** Per destination (in the order given): how many deliveries ended in each outcome. */
  outcomes: Record<Outcome, number>[];
  requests: number;
  attemptsWithRequest: number;
  replayed: number;
  statuses: Record<string, number>;
  /**
   * Every attempt of the deliveries that got an answer replayed from the Idempotency-Key store although no earlier
   * attempt of theirs timed out (the one way a stored answer can come back to the worker): empty unless a delivery
   * was sent twice.
   */
  replayedWithoutTimeout: Array<Omit<AttemptRow, 'identity'>>;
}

interface AttemptRow extends AttemptFacts {
  deliveryId: string;
  trigger: string;
  startedAt: string;
  identity: string | null;
  replayed: boolean;
}

interface DeliveryRow {
  id: string;
  status: string;
  messageId: string;
}

const sorted = (m: Map<string, number>) => [...m].sort(([a], [b]) => a.localeCompare(b));

async function storedMessageIds(db: ClientBase, sourceId: string): Promise<string[]> {
  const { rows } = await db.query<{ message_id: string }>('SELECT message_id FROM events WHERE source_id = $1', [
    sourceId,
  ]);
  return rows.map((r) => r.message_id);
}

async function deliveriesOf(db: ClientBase, destinationId: string): Promise<DeliveryRow[]> {
  const { rows } = await db.query<DeliveryRow>(
    `SELECT d.id::text AS id, d.status, e.message_id AS "messageId"
       FROM deliveries d JOIN events e ON e.id = d.event_id AND e.received_at = d.event_received_at
      WHERE d.destination_id = $1`,
    [destinationId],
  );
  return rows;
}

async function attemptsOf(db: ClientBase, destinationId: string): Promise<AttemptRow[]> {
  const { rows } = await db.query<Omit<AttemptRow, 'identity'> & { url: string | null; key: string | null }>(
    `SELECT a.delivery_id::text AS "deliveryId", a.attempt_number AS "attemptNumber", a.decision, a.trigger,
            to_char(a.started_at, 'HH24:MI:SS.MS') AS "startedAt",
            a.response_status AS "responseStatus", a.error_message AS "errorMessage", a.skip_reason AS "skipReason",
            a.request_method AS "requestMethod", a.request_url AS url, a.request_headers->>'Idempotency-Key' AS key,
            coalesce(a.response_headers->>'idempotent-replayed' = 'true', false) AS replayed
       FROM delivery_attempts a JOIN deliveries d ON d.id = a.delivery_id WHERE d.destination_id = $1`,
    [destinationId],
  );
  return rows.map(({ url, key, ...a }) => ({
    ...a,
    identity: a.requestMethod && url ? requestIdentity(a.requestMethod, url, key) : null,
  }));
}

/** The acknowledged messages that are not in the event log (empty, unless an acknowledgement lied). */
export async function unstored(stack: FaultStack, sourceId: string, acked: Set<string>): Promise<string[]> {
  const stored = new Set(await withDb(stack.env.DATABASE_URL, (db) => storedMessageIds(db, sourceId)));
  return [...acked].filter((m) => !stored.has(m));
}

/** Waits until the destination has one delivery per stored event, none of them pending or retrying. */
async function settled(stack: FaultStack, destinationId: string, stored: number, timeoutMs: number): Promise<void> {
  const counts = () =>
    withDb(
      stack.env.DATABASE_URL,
      async (db) =>
        (
          await db.query<{ status: string; n: number }>(
            'SELECT status, count(*)::int AS n FROM deliveries WHERE destination_id = $1 GROUP BY status',
            [destinationId],
          )
        ).rows,
    );
  await waitFor(
    `every delivery to ${destinationId} settled`,
    async () => {
      const rows = await counts();
      const total = rows.reduce((s, r) => s + r.n, 0);
      return total === stored && rows.every((r) => ['delivered', 'failed', 'skipped'].includes(r.status));
    },
    timeoutMs,
    250,
  ).catch(async (e: Error) => {
    throw new Error(`${e.message}; deliveries: ${JSON.stringify(await counts())}`);
  });
}

/**
 * Waits until every delivery of the source has settled, then checks every outcome end to end:
 * - every acknowledged message was stored, each once;
 * - each destination has one delivery per stored event, ended delivered, failed or skipped in the expected
 *   numbers (nothing pending), and its attempt rows explain how it ended (see `unexplained`);
 * - every request the fake received is one attempt row in the audit trail, request by request (less
 *   `unaudited`, requests a killed worker had in flight), and nothing else reached it;
 * - FullStory holds each delivered event exactly once, and no event that was failed or skipped.
 */
export async function reconcile(
  stack: FaultStack,
  seeded: SeededPair,
  acked: Set<string>,
  opts: ReconcileOptions = {},
): Promise<Reconciliation> {
  const { env, fake } = stack;
  const timeoutMs = opts.timeoutMs ?? 60000;
  const stored = await withDb(env.DATABASE_URL, (db) => storedMessageIds(db, seeded.sourceId));
  const storedSet = new Set(stored);
  expect([...acked].filter((m) => !storedSet.has(m))).toEqual([]);
  expect(stored.length).toBe(storedSet.size);

  const expectations = opts.destinations ?? [{ destinationId: seeded.destinationId }];
  const outcomes: Record<Outcome, number>[] = [];
  const attempts: AttemptRow[] = [];
  const deliveredMids: string[] = [];
  for (const dest of expectations) {
    await settled(stack, dest.destinationId, stored.length, timeoutMs);
    const [deliveries, rows] = await withDb(env.DATABASE_URL, async (db) => [
      await deliveriesOf(db, dest.destinationId),
      await attemptsOf(db, dest.destinationId),
    ]);
    expect(deliveries.map((d) => d.messageId).sort()).toEqual([...storedSet].sort());
    const byDelivery = new Map<string, AttemptRow[]>();
    for (const a of rows) byDelivery.set(a.deliveryId, [...(byDelivery.get(a.deliveryId) ?? []), a]);
    const maxAttempts = dest.maxAttempts ?? Number(env.DELIVERY_MAX_ATTEMPTS);
    const problems = deliveries
      .map((d) => ({ d, why: unexplained(d.status, byDelivery.get(d.id) ?? [], maxAttempts) }))
      .filter((p) => p.why !== null)
      .map((p) => `${p.d.messageId}: ${p.why}`);
    expect(problems).toEqual([]);
    const counts = countBy(deliveries, (d) => d.status);
    const got: Record<Outcome, number> = {
      delivered: counts.get('delivered') ?? 0,
      failed: counts.get('failed') ?? 0,
      skipped: counts.get('skipped') ?? 0,
    };
    expect(got).toEqual({ delivered: stored.length, failed: 0, skipped: 0, ...dest.outcomes });
    outcomes.push(got);
    attempts.push(...rows);
    deliveredMids.push(...deliveries.filter((d) => d.status === 'delivered').map((d) => d.messageId));
  }

  // Every request the fake received has been handled. One whose client went away (a killed worker, a
  // timeout) keeps status null at the fake although it was processed, so wait until those are old enough.
  const requests = await waitFor(
    'every captured request handled',
    async () => {
      const list: CapturedRequest[] = await fake.requests();
      const settledBefore = Date.now() - 2000;
      return list.every((r) => r.status !== null || Date.parse(r.receivedAt) < settledBefore) ? list : null;
    },
    10000,
  );
  const atFake = countBy(requests, (r) => requestIdentity(r.method, r.path, header(r, 'idempotency-key')));
  const audited = countBy(
    attempts.filter((a) => a.identity !== null),
    (a) => a.identity!,
  );
  const unaudited = opts.unaudited ?? 0;
  if (unaudited === 0) {
    expect(sorted(atFake)).toEqual(sorted(audited));
  } else {
    // Which requests went unrecorded is unknown; each was re-sent (and recorded) with the same identity.
    expect([...atFake.keys()].sort()).toEqual([...audited.keys()].sort());
    expect([...audited].filter(([id, n]) => n > (atFake.get(id) ?? 0))).toEqual([]);
    expect(requests.length).toBe(attempts.filter((a) => a.identity !== null).length + unaudited);
  }

  const timedOut = (a: AttemptRow) => a.responseStatus === null && /timed out/.test(a.errorMessage ?? '');
  const replayedUntimed = new Set(
    attempts
      .filter(
        (a) =>
          a.replayed &&
          !attempts.some((b) => b.deliveryId === a.deliveryId && b.attemptNumber < a.attemptNumber && timedOut(b)),
      )
      .map((a) => a.deliveryId),
  );
  const events = (await fake.events()).filter((e) => typeof e.properties?.mid === 'string');
  expect(sorted(countBy(events, (e) => e.properties.mid as string))).toEqual(sorted(countBy(deliveredMids, (m) => m)));
  return {
    acked: acked.size,
    stored: stored.length,
    outcomes,
    requests: requests.length,
    attemptsWithRequest: attempts.filter((a) => a.identity !== null).length,
    replayed: attempts.filter((a) => a.replayed).length,
    statuses: Object.fromEntries(countBy(requests, (r) => String(r.status))),
    replayedWithoutTimeout: attempts
      .filter((a) => replayedUntimed.has(a.deliveryId))
      .sort((a, b) => a.deliveryId.localeCompare(b.deliveryId) || a.attemptNumber - b.attemptNumber)
      .map(({ identity: _identity, ...a }) => a),
  };
}
