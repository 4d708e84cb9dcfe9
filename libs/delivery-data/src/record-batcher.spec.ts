import type { Pool } from 'pg';
import { migratedDatabase } from './testing/migrated-database';
import type { DeliveryStatus } from '@fsd/platform';
import { attemptRow } from './attempt-row';
import type { AttemptRecord } from './delivery.types';
import { RecordBatcher, RecordItem } from './record-batcher';

const row = (attemptNumber: number, over: Partial<AttemptRecord> = {}): AttemptRecord =>
  attemptRow({ attemptNumber, trigger: 'auto' }, new Date(), new Date(), {
    subscriptionId: 'preset:trackEvent',
    decision: 'delivered',
    ...over,
  });
/** Each delivery's logged_at as the database returned it (the worker has it from the claim). */
const loggedAtOf = new Map<string, Date>();
const item = (
  deliveryId: string,
  status: DeliveryStatus,
  attempts: AttemptRecord[],
  over: Partial<RecordItem> = {},
): RecordItem => ({
  deliveryId,
  loggedAt: loggedAtOf.get(deliveryId)!,
  status,
  attempts,
  reason: status === 'delivered' ? 'delivered' : `reason of ${status}`,
  newEpisode: false,
  ...over,
});

/** A pending delivery's state after one delivered attempt was recorded. */
const DELIVERED_ONCE = {
  status: 'delivered',
  attempts: 1,
  runs: 1,
  lastError: null,
  deliveredAt: true,
  episodeRestarted: false,
  rows: 1,
  changes: ['pending>delivered'],
};

/** Against a migrated database of its own, dropped afterwards. */
describe('RecordBatcher: group commit of the audit trail', () => {
  let pool: Pool;
  let drop: () => Promise<void>;
  let batcher: RecordBatcher;
  let destinationId: string;

  /** `loggedAt`: when they were logged (now by default; an earlier day puts them in another partition). */
  const newDeliveries = async (n: number, loggedAt: Date | null = null): Promise<string[]> => {
    const { rows } = await pool.query<{ id: string; logged_at: Date }>(
      `INSERT INTO deliveries (destination_id, episode_started_at, logged_at)
       SELECT $1, now() - interval '1 hour', COALESCE($3, now()) FROM generate_series(1, $2) RETURNING id::text, logged_at`,
      [destinationId, n, loggedAt],
    );
    for (const r of rows) loggedAtOf.set(r.id, r.logged_at);
    return rows.map((r) => r.id);
  };
  const state = async (id: string) =>
    (
      await pool.query(
        `SELECT status, attempts, episode_runs AS runs, last_error AS "lastError", delivered_at IS NOT NULL AS "deliveredAt",
                episode_started_at > now() - interval '1 minute' AS "episodeRestarted",
                (SELECT count(*)::int FROM delivery_attempts a WHERE a.delivery_id = d.id) AS rows,
                ARRAY(SELECT c.from_status || '>' || c.to_status FROM delivery_state_changes c
                       WHERE c.delivery_id = d.id ORDER BY c.id) AS changes
           FROM deliveries d WHERE d.id = $1`,
        [id],
      )
    ).rows[0];

  /** Each of `ids` delivered by one attempt, all written at once: how many statements the batcher ran. */
  const deliverTogether = async (ids: string[]): Promise<number> => {
    const query = jest.spyOn(pool, 'query');
    try {
      await Promise.all(ids.map((id) => batcher.write(item(id, 'delivered', [row(1)]))));
      return query.mock.calls.length;
    } finally {
      query.mockRestore();
    }
  };

  beforeAll(async () => {
    ({ pool, drop } = await migratedDatabase('batcher'));
    destinationId = (
      await pool.query<{ id: string }>(
        `INSERT INTO destinations (name, api_key_encrypted) VALUES ('batcher', 'x') RETURNING id::text`,
      )
    ).rows[0].id;
  });

  beforeEach(() => {
    batcher = new RecordBatcher(pool);
  });

  afterAll(async () => {
    await drop();
  });

  it('writes the outcomes of concurrent jobs together: one statement in flight, the rest in the next', async () => {
    const ids = await newDeliveries(6);
    expect(await deliverTogether(ids)).toBe(2);
    for (const id of ids) expect(await state(id)).toEqual(DELIVERED_ONCE);
  });

  it('records a group whose deliveries were logged on different days (different partitions) in one statement', async () => {
    const earlier = await newDeliveries(3, new Date('2026-01-01T23:59:59.999Z'));
    // Two days ahead: a daily partition is made in advance for each of the next days.
    const later = await newDeliveries(3, new Date(Date.now() + 2 * 86_400_000));
    const ids = earlier.flatMap((id, i) => [id, later[i]]);
    const partitions = await pool.query<{ p: string }>(
      'SELECT DISTINCT tableoid::regclass::text AS p FROM deliveries WHERE id = ANY($1::bigint[])',
      [ids],
    );
    expect(partitions.rows).toHaveLength(2);
    // One statement in flight: the first write alone, the other five (of both days) together.
    expect(await deliverTogether(ids)).toBe(2);
    for (const id of ids) expect(await state(id)).toEqual(DELIVERED_ONCE);
  });

  it('writes a second outcome of the same delivery after the first, never in the same statement', async () => {
    const [a, b, c] = await newDeliveries(3);
    const query = jest.spyOn(pool, 'query');
    await Promise.all([
      batcher.write(item(a, 'delivered', [row(1)])),
      batcher.write(item(b, 'delivered', [row(1)])),
      batcher.write(item(c, 'retrying', [row(1, { decision: 'retry_scheduled' }), row(1, { subscriptionId: 'm' })])),
      batcher.write(item(c, 'delivered', [row(2)])),
    ]);
    // a alone (in flight at once), then b with c's first outcome, then c's second.
    expect(query).toHaveBeenCalledTimes(3);
    query.mockRestore();
    expect(await state(c)).toMatchObject({
      status: 'delivered',
      attempts: 3,
      runs: 2,
      lastError: null,
      rows: 3,
      changes: ['pending>retrying', 'retrying>delivered'],
    });
  });

  it('keeps the reason and appends no state change while the status stays; a new episode restarts the count', async () => {
    const [id] = await newDeliveries(1);
    await batcher.write(item(id, 'retrying', [row(1, { decision: 'retry_scheduled' })], { reason: 'HTTP 500' }));
    await batcher.write(item(id, 'retrying', [row(2, { decision: 'retry_scheduled' })], { reason: null }));
    expect(await state(id)).toMatchObject({
      status: 'retrying',
      runs: 2,
      lastError: 'HTTP 500',
      changes: ['pending>retrying'],
    });
    await batcher.write(item(id, 'failed', [row(3, { decision: 'failed_permanently' })], { reason: 'HTTP 400' }));
    await batcher.write(item(id, 'retrying', [row(4, { decision: 'retry_scheduled' })], { newEpisode: true }));
    expect(await state(id)).toMatchObject({
      status: 'retrying',
      attempts: 4,
      runs: 1,
      episodeRestarted: true,
      lastError: 'reason of retrying',
      deliveredAt: false,
      changes: ['pending>retrying', 'retrying>failed', 'failed>retrying'],
    });
  });

  it('rejects every write of a failing statement, writes none of it, and goes on with the next', async () => {
    const [a, b, c, d, e] = await newDeliveries(5);
    const invalid = row(1, { decision: null as unknown as AttemptRecord['decision'] });
    const writes = [
      batcher.write(item(a, 'delivered', [row(1)])),
      batcher.write(item(b, 'delivered', [row(1)])),
      batcher.write(item(c, 'delivered', [invalid])),
      batcher.write(item(d, 'delivered', [row(1)])),
    ];
    const settled = await Promise.allSettled(writes);
    // a alone (in flight at once), then b, c and d in one statement, which c's invalid attempt fails.
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'rejected']);
    expect(String((settled[2] as PromiseRejectedResult).reason)).toContain('decision');
    for (const other of [settled[1], settled[3]])
      expect((other as PromiseRejectedResult).reason).toBe((settled[2] as PromiseRejectedResult).reason);
    expect((await state(a)).status).toBe('delivered');
    const unwritten = await Promise.all([b, c, d].map(state));
    expect(unwritten.map((u) => [u.rows, u.status])).toEqual([
      [0, 'pending'],
      [0, 'pending'],
      [0, 'pending'],
    ]);
    await batcher.write(item(e, 'delivered', [row(1)]));
    expect((await state(e)).status).toBe('delivered');
  });
});
