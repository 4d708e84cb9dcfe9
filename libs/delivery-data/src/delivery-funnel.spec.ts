import type { Pool } from 'pg';
import { attemptRow } from './attempt-row';
import { skipOpenDeliveries } from './delivery-admin.writes';
import { fanOutDeliveriesCte, replayDeliveriesCtes } from './delivery-statement.fragments';
import { RecordBatcher } from './record-batcher';
import { migratedDatabase } from './testing/migrated-database';

/**
 * The delivery funnel's counters, moved by every write of deliveries in the same statement: each event counted
 * once, in the stage its delivery holds. Against a migrated database of its own.
 */
describe('delivery funnel counters', () => {
  const HOUR_A = '2026-01-01T10:00:00.000Z';
  const HOUR_B = '2026-01-01T11:00:00.000Z';
  let pool: Pool;
  let drop: () => Promise<void>;
  let sourceId: string;
  let dest: string;
  let batcher: RecordBatcher;

  /** Counters as "hour stage" → count, the zero ones left out. */
  const counters = async (): Promise<Record<string, number>> => {
    const { rows } = await pool.query<{ hour: Date; stage: string; count: string }>(
      `SELECT hour, stage, sum(count) AS count FROM delivery_funnel_hourly WHERE destination_id = $1
        GROUP BY 1, 2 HAVING sum(count) <> 0`,
      [dest],
    );
    return Object.fromEntries(rows.map((r) => [`${r.hour.toISOString().slice(11, 13)}h ${r.stage}`, Number(r.count)]));
  };
  /** The same view counted from the deliveries' own stages: must always equal the counters. */
  const byRows = async (): Promise<Record<string, number>> => {
    const { rows } = await pool.query<{ hour: Date; stage: string; n: string }>(
      `SELECT date_trunc('hour', event_received_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS hour,
              funnel_stage AS stage, count(*) AS n
         FROM deliveries WHERE destination_id = $1 AND funnel_stage IS NOT NULL GROUP BY 1, 2`,
      [dest],
    );
    return Object.fromEntries(rows.map((r) => [`${r.hour.toISOString().slice(11, 13)}h ${r.stage}`, Number(r.n)]));
  };
  const ingest = async (receivedAt: string, n: number): Promise<string[]> => {
    const { rows } = await pool.query<{ id: string }>(
      `WITH ins AS (
         INSERT INTO events (received_at, source_id, message_id, type, "timestamp", payload, raw)
         SELECT $1::timestamptz, $2::uuid, 'm-' || gen_random_uuid(), 'track', $1::timestamptz, '{}', '{}'
           FROM generate_series(1, $3::int)
         RETURNING id, source_id, received_at
       ),
       ${fanOutDeliveriesCte('ins')}
       SELECT id::text FROM deliv ORDER BY id`,
      [receivedAt, sourceId, n],
    );
    // A delivery is logged when its event was received.
    for (const r of rows) loggedAtOf.set(r.id, new Date(receivedAt));
    return rows.map((r) => r.id);
  };
  const loggedAtOf = new Map<string, Date>();
  const record = (id: string, status: 'delivered' | 'skipped' | 'failed' | 'retrying', stage?: 'filtered') =>
    batcher.write({
      deliveryId: id,
      loggedAt: loggedAtOf.get(id)!,
      status,
      reason: status,
      newEpisode: false,
      attempts: [attemptRow({ attemptNumber: 1, trigger: 'auto' }, new Date(), new Date(), { decision: 'skipped' })],
      stage: stage ?? null,
    });

  beforeAll(async () => {
    ({ pool, drop } = await migratedDatabase('funnel'));
    batcher = new RecordBatcher(pool);
    sourceId = (
      await pool.query<{ id: string }>(
        `INSERT INTO sources (name, write_key_hash, write_key_hint) VALUES ('s', 'h', 'x') RETURNING id::text`,
      )
    ).rows[0].id;
    dest = (
      await pool.query<{ id: string }>(
        `INSERT INTO destinations (name, api_key_encrypted) VALUES ('d', 'x') RETURNING id::text`,
      )
    ).rows[0].id;
    await pool.query('INSERT INTO destination_sources (destination_id, source_id) VALUES ($1, $2)', [dest, sourceId]);
  });

  afterAll(async () => {
    await drop();
  });

  it('counts fan-out, outcomes, replays and archiving once each, in the hour the event was received', async () => {
    const a = await ingest(HOUR_A, 4);
    const b = await ingest(HOUR_B, 2);
    expect(await counters()).toEqual({ '10h received': 4, '11h received': 2 });

    await Promise.all([
      record(a[0], 'delivered'),
      record(a[1], 'skipped', 'filtered'),
      record(a[2], 'failed'),
      record(b[0], 'retrying'),
    ]);
    expect(await counters()).toEqual({
      '10h received': 1,
      '10h delivered': 1,
      '10h filtered': 1,
      '10h failed': 1,
      '11h received': 1,
      '11h retrying': 1,
    });
    // An outcome recorded again with the same stage moves nothing.
    await record(a[0], 'delivered');
    expect((await counters())['10h delivered']).toBe(1);

    // A replay page takes the delivered and failed ones back to received.
    const replayId = (
      await pool.query<{ id: string }>(
        `INSERT INTO replays (destination_id, filter, rate_per_second) VALUES ($1, '{}', 100) RETURNING id::text`,
        [dest],
      )
    ).rows[0].id;
    await pool.query(
      `WITH page AS (SELECT id, received_at FROM events WHERE id IN (
         SELECT event_id FROM deliveries WHERE id = ANY($3::bigint[]))),
       ${replayDeliveriesCtes('page', '$1', '$2')}
       SELECT count(*) FROM upserted`,
      [dest, replayId, [a[0], a[2]]],
    );
    expect(await counters()).toEqual({
      '10h received': 3,
      '10h filtered': 1,
      '11h received': 1,
      '11h retrying': 1,
    });

    // Archiving ends the open ones (received, retrying) skipped.
    await skipOpenDeliveries(pool, dest, 'destination archived');
    expect(await counters()).toEqual({ '10h skipped': 3, '10h filtered': 1, '11h skipped': 2 });
    expect(await byRows()).toEqual(await counters());
  });

  it('stays equal to the deliveries under concurrent outcome records', async () => {
    const ids = await ingest(HOUR_A, 200);
    const statuses = ['delivered', 'skipped', 'failed', 'retrying'] as const;
    await Promise.all(ids.map((id, i) => record(id, statuses[i % 4])));
    await Promise.all(ids.map((id, i) => record(id, statuses[(i + 1) % 4])));
    expect(await byRows()).toEqual(await counters());
  });
});
