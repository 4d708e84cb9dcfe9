import type { Pool } from 'pg';
import { migratedDatabase } from './testing/migrated-database';
import { BatchSliceRepository, SliceOutcome } from './batch-slice.repository';
import { attemptRow } from './attempt-row';
import type { LoadedDelivery } from './delivery.types';

/**
 * A slice run again (the recovery re-adds a slice whose job was lost) records only what no run recorded yet:
 * against a migrated database of its own, with exact attempt-row counts.
 */
// A migrated database of its own: slow to create on a loaded machine.
jest.setTimeout(60_000);

describe('BatchSliceRepository: a slice run again', () => {
  const receivedAt = new Date('2026-01-01T10:00:00Z');
  const lease = 60_000;
  let pool: Pool;
  let drop: () => Promise<void>;
  let slices: BatchSliceRepository;
  let destinationId: string;

  beforeAll(async () => {
    ({ pool, drop } = await migratedDatabase('slice_rerun'));
    slices = new BatchSliceRepository(pool);
    destinationId = (
      await pool.query<{ id: string }>(
        `INSERT INTO destinations (name, api_key_encrypted) VALUES ('slice', 'x') RETURNING id::text`,
      )
    ).rows[0].id;
  });

  afterAll(async () => {
    await drop();
  });

  /** `n` events with a pending delivery each (as the replay's page leaves them); their delivery ids. */
  async function pendingDeliveries(n: number, tag: string): Promise<string[]> {
    const { rows } = await pool.query<{ id: string }>(
      `WITH ev AS (
         INSERT INTO events (received_at, source_id, message_id, type, "timestamp", payload, raw)
         SELECT $1, gen_random_uuid(), $2 || g, 'track', $1, json_build_object('type', 'track', 'n', g),
                json_build_object('type', 'track', 'n', g)
           FROM generate_series(1, $3::int) AS g RETURNING id, received_at)
       INSERT INTO deliveries (event_id, event_received_at, destination_id, status)
       SELECT id, received_at, $4, 'pending' FROM ev ORDER BY id RETURNING id::text`,
      [receivedAt, tag, n, destinationId],
    );
    return rows.map((r) => r.id);
  }

  /** What a run of the slice records for what it claimed: each delivery imported by job `job` at its index. */
  function delivered(claimed: LoadedDelivery[], job: string): SliceOutcome[] {
    return claimed.map((d, i) => ({
      deliveryId: d.id,
      status: 'delivered',
      reason: null,
      loadedAttempts: d.attempts,
      loggedAt: d.loggedAt,
      attempts: [
        {
          ...attemptRow({ attemptNumber: d.lastAttemptNumber + 1, trigger: 'replay' }, new Date(), new Date(), {
            decision: 'delivered',
          }),
          batchJobId: job,
          batchIndex: i,
        },
      ],
    }));
  }

  async function attemptCounts(ids: string[]): Promise<{ rows: number; deliveries: number; stateChanges: number }> {
    const { rows } = await pool.query<{ rows: number; deliveries: number; changes: number }>(
      `SELECT (SELECT count(*)::int FROM delivery_attempts WHERE delivery_id = ANY($1::bigint[])) AS rows,
              (SELECT count(DISTINCT delivery_id)::int FROM delivery_attempts WHERE delivery_id = ANY($1::bigint[]))
                AS deliveries,
              (SELECT count(*)::int FROM delivery_state_changes WHERE delivery_id = ANY($1::bigint[])) AS changes`,
      [ids],
    );
    return { rows: rows[0].rows, deliveries: rows[0].deliveries, stateChanges: rows[0].changes };
  }

  it('claims, loads and records a slice: one attempt row and one state change per delivery', async () => {
    const ids = await pendingDeliveries(5, 'first-');
    const claimed = await slices.claimSlice(ids, 'slice:a', lease);
    expect(claimed.map((d) => d.id)).toEqual(ids);
    expect(claimed.every((d) => d.event !== null && d.lastAttemptNumber === 0 && d.attempts === 0)).toBe(true);
    await slices.record(delivered(claimed, 'job-a'), 'slice:a');
    expect(await attemptCounts(ids)).toEqual({ rows: 5, deliveries: 5, stateChanges: 5 });
    const { rows } = await pool.query<{ status: string; claim_token: string | null; attempts: number }>(
      'SELECT status, claim_token, attempts FROM deliveries WHERE id = ANY($1::bigint[])',
      [ids],
    );
    expect(rows).toEqual(ids.map(() => ({ status: 'delivered', claim_token: null, attempts: 1 })));
  });

  it("stores each item's request body exactly, with its index: nested, with a NUL, a bare string, or none", async () => {
    const ids = await pendingDeliveries(4, 'bodies-');
    const claimed = await slices.claimSlice(ids, 'slice:bodies', lease);
    const bodies: unknown[] = [
      { name: 'E', properties: { n: 1, deep: [{ a: null }] } },
      { name: 'nul\u0000in', properties: {} },
      'a bare string',
      undefined,
    ];
    const outcomes = delivered(claimed, 'job-bodies').map((o, i) => ({
      ...o,
      attempts: o.attempts.map((a) => ({ ...a, requestBody: bodies[i] ?? null })),
    }));
    await slices.record(outcomes, 'slice:bodies');
    const { rows } = await pool.query<{ body: string | null; i: number }>(
      `SELECT request_body::text AS body, batch_index AS i FROM delivery_attempts
        WHERE delivery_id = ANY($1::bigint[]) ORDER BY batch_index`,
      [ids],
    );
    expect(rows).toEqual([
      { body: '{"name":"E","properties":{"n":1,"deep":[{"a":null}]}}', i: 0 },
      { body: '{"name":"nul\\u0000in","properties":{}}', i: 1 },
      { body: '"a bare string"', i: 2 },
      { body: null, i: 3 },
    ]);
  });

  it('a re-run after the slice recorded part of it claims and records only the rest', async () => {
    const ids = await pendingDeliveries(6, 'after-');
    const first = await slices.claimSlice(ids, 'slice:b', lease);
    // The first run recorded four deliveries, then died (its claims on the other two remain).
    await slices.record(delivered(first.slice(0, 4), 'job-b'), 'slice:b');
    const again = await slices.claimSlice(ids, 'slice:b', lease);
    expect(again.map((d) => d.id)).toEqual(ids.slice(4));
    expect(await slices.openOf(ids)).toEqual(new Set(ids.slice(4)));
    await slices.record(delivered(again, 'job-b'), 'slice:b');
    expect(await attemptCounts(ids)).toEqual({ rows: 6, deliveries: 6, stateChanges: 6 });
    expect(await slices.claimSlice(ids, 'slice:b', lease)).toEqual([]);
    expect(await slices.openOf(ids)).toEqual(new Set());
  });

  it('two runs of the slice in flight at once: the second to record adds no rows', async () => {
    const ids = await pendingDeliveries(4, 'both-');
    const one = await slices.claimSlice(ids, 'slice:c', lease);
    const two = await slices.claimSlice(ids, 'slice:c', lease);
    expect(two.map((d) => d.id)).toEqual(ids);
    await slices.record(delivered(one, 'job-c'), 'slice:c');
    await slices.record(delivered(two, 'job-c'), 'slice:c');
    expect(await attemptCounts(ids)).toEqual({ rows: 4, deliveries: 4, stateChanges: 4 });
    const { rows } = await pool.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM deliveries WHERE id = ANY($1::bigint[]) AND attempts = 1',
      [ids],
    );
    expect(rows[0].n).toBe(4);
  });

  it('only reads deliveries the page already claimed with the slice token for long enough', async () => {
    const ids = await pendingDeliveries(3, 'paged-');
    // The page claimed two for an hour; the third's claim (same token) ends sooner than the run's lease.
    await pool.query(
      `UPDATE deliveries SET claim_token = 'slice:e',
              claimed_until = now() + CASE WHEN id = $2 THEN interval '10 seconds' ELSE interval '1 hour' END
        WHERE id = ANY($1::bigint[])`,
      [ids, ids[2]],
    );
    const versions = async () =>
      (
        await pool.query<{ id: string; v: string }>(
          'SELECT id::text, xmin::text AS v FROM deliveries WHERE id = ANY($1::bigint[]) ORDER BY id',
          [ids],
        )
      ).rows;
    const before = await versions();
    const claimed = await slices.claimSlice(ids, 'slice:e', lease);
    expect(claimed.map((d) => d.id)).toEqual(ids);
    const after = await versions();
    // Untouched (same row version) but the one whose claim was too short, which got the run's lease.
    expect(after.map((r, i) => r.v === before[i].v)).toEqual([true, true, false]);
  });

  it('leaves deliveries another run holds unclaimed', async () => {
    const ids = await pendingDeliveries(3, 'held-');
    await pool.query(
      `UPDATE deliveries SET claim_token = 'live', claimed_until = now() + interval '1 minute' WHERE id = $1`,
      [ids[0]],
    );
    const claimed = await slices.claimSlice(ids, 'slice:d', lease);
    expect(claimed.map((d) => d.id)).toEqual(ids.slice(1));
    expect(await slices.openOf(ids)).toEqual(new Set(ids));
  });

  it('claims from their holder the deliveries it held when the slice started, whatever it recorded', async () => {
    const ids = await pendingDeliveries(3, 'holder-');
    await pool.query(
      `UPDATE deliveries SET claim_token = 'live', claimed_until = now() + interval '1 minute' WHERE id = ANY($1)`,
      [ids.slice(0, 2)],
    );
    expect((await slices.claimSlice(ids, 'slice:h', lease)).map((d) => d.id)).toEqual([ids[2]]);
    // The live run records the first (delivered, claim released) and still holds the second.
    await pool.query(
      `UPDATE deliveries SET status = 'delivered', attempts = 1, claim_token = NULL, claimed_until = NULL WHERE id = $1`,
      [ids[0]],
    );
    // The slice's own claim leaves a settled delivery alone (an earlier run of the slice may have recorded it) ...
    expect(await slices.claimSlice(ids.slice(0, 2), 'slice:h', lease)).toEqual([]);
    // ... but the holder's outcome does not settle the replay: claimed from it, loaded as a fresh replay.
    const fromHolder = await slices.claimFromHolder(ids.slice(0, 2), 'slice:h', lease);
    expect(fromHolder.map((d) => [d.id, d.status, d.attempts])).toEqual([[ids[0], 'delivered', 1]]);
    const { rows } = await pool.query<{ id: string; claim_token: string }>(
      `SELECT id::text, claim_token FROM deliveries WHERE id = ANY($1) ORDER BY id`,
      [ids],
    );
    expect(rows.map((r) => r.claim_token)).toEqual(['slice:h', 'live', 'slice:h']);
  });

  it("claims only between its job's logged_at bounds; what they miss is open still and claimed by the holder's claim", async () => {
    const ids = await pendingDeliveries(3, 'bounded-');
    const { rows } = await pool.query<{ lo: Date; hi: Date }>(
      'SELECT min(logged_at) AS lo, max(logged_at) AS hi FROM deliveries WHERE id = ANY($1)',
      [ids],
    );
    // A range of other days: nothing claimed, all three still open (the executor takes them as held) ...
    expect(
      await slices.claimSlice(ids, 'slice:b', lease, ['2020-01-01T00:00:00.000Z', '2020-01-02T00:00:00.000Z']),
    ).toEqual([]);
    expect(await slices.openOf(ids)).toEqual(new Set(ids));
    // ... and the holder's claim, over every partition, takes them.
    expect((await slices.claimFromHolder(ids.slice(0, 1), 'slice:b', lease)).map((d) => d.id)).toEqual(ids.slice(0, 1));
    // The range the page gives (its deliveries' earliest and latest logged_at, to the millisecond): the rest.
    const range: [string, string] = [rows[0].lo.toISOString(), rows[0].hi.toISOString()];
    const claimed = await slices.claimSlice(ids.slice(1), 'slice:b', lease, range);
    expect(claimed.map((d) => d.id)).toEqual(ids.slice(1));
  });
});
