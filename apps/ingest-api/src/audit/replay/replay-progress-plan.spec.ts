import { FreshDatabase, freshDatabase } from '../../core/database/testing/fresh-database';
import { fixtureRows } from '../../core/database/testing/fixture-rows';
import { PlanNode, explainingPool, relationsRead } from '../../core/database/testing/explaining-pool';
import { ReplayReadsRepository, ReplayWindow } from './replay-reads.repository';
import { ReplaysRepository } from './replays.repository';
import { DAY_MS, dailyPartition, dayFromToday } from '../../core/database/testing/partition-days';

/**
 * A replay's progress counts its deliveries in the partitions of its window alone (an event's delivery is logged at
 * the event's received_at, which the window bounds): joined by id alone, the count read every partition. So do the
 * counts stored on the replays, refreshed every 15 s.
 */
describe("a replay's progress count", () => {
  let db: FreshDatabase;
  let replay: ReplayWindow;

  beforeAll(async () => {
    db = await freshDatabase('replay_progress_plan');
    await db.rows(`SELECT ensure_audit_partitions(7)`);
    const rows = fixtureRows(db.pool);
    const source = await rows.source('web');
    const destination = await rows.destination('fs', { sourceIds: [source] });
    const from = dayFromToday(4);
    const to = new Date(from.getTime() + DAY_MS);
    const filter = { from: from.toISOString(), to: to.toISOString(), status: 'any' as const };
    const id = (
      await db.rows<{ id: string }>(
        `INSERT INTO replays (destination_id, filter, rate_per_second, mode) VALUES ($1, $2, 10, 'per-event')
         RETURNING id::text`,
        [destination, JSON.stringify(filter)],
      )
    )[0].id;
    replay = { id, filter };
    // The replay's 300 deliveries, in its window; 3,000 others two days later, in another partition.
    await db.pool.query(
      `WITH d AS (
         INSERT INTO deliveries (event_id, event_received_at, logged_at, destination_id, status)
         SELECT g, $2::timestamptz + interval '1 hour', $2::timestamptz + interval '1 hour', $1::uuid,
                (ARRAY['delivered', 'failed', 'pending'])[g % 3 + 1]
           FROM generate_series(1, 300) AS g
         RETURNING id)
       INSERT INTO replay_deliveries (replay_id, delivery_id) SELECT $3::bigint, id FROM d`,
      [destination, from.toISOString(), replay.id],
    );
    await db.pool.query(
      `INSERT INTO deliveries (event_id, event_received_at, logged_at, destination_id, status)
       SELECT g, $2::timestamptz, $2::timestamptz, $1::uuid, 'delivered' FROM generate_series(1001, 4000) AS g`,
      [destination, dayFromToday(6).toISOString()],
    );
    await db.pool.query('ANALYZE deliveries');
  });

  afterAll(async () => {
    await db.drop();
  });

  it('counts every delivery of the replay by status', async () => {
    expect(await new ReplayReadsRepository(db.pool).progressOf(replay)).toEqual({
      delivered: 100,
      failed: 100,
      skipped: 0,
      inFlight: 100,
    });
  });

  it("reads only the partition of the replay's window", async () => {
    const plans: PlanNode[] = [];
    const traced = (sql: string) => sql.includes('FROM replay_deliveries rd JOIN deliveries d');
    const zeros = { delivered: '0', failed: '0', skipped: '0', in_flight: '0' };
    await new ReplayReadsRepository(explainingPool(db.pool, traced, plans, [zeros])).progressOf(replay);
    expect(plans).toHaveLength(1);
    expect(relationsRead(plans[0], 'deliveries')).toEqual([dailyPartition('deliveries', 4)]);
  });

  it("refreshes the stored counts from the partition of the replay's window alone", async () => {
    const plans: PlanNode[] = [];
    const traced = (sql: string) => sql.includes('UPDATE replays r SET delivered');
    await new ReplaysRepository(explainingPool(db.pool, traced, plans)).refreshStoredProgress();
    expect(plans).toHaveLength(1);
    expect(relationsRead(plans[0], 'deliveries')).toEqual([dailyPartition('deliveries', 4)]);
    expect(await new ReplaysRepository(db.pool).refreshStoredProgress()).toBe(1);
    expect(await db.rows(`SELECT delivered::int, failed::int FROM replays WHERE id = $1::bigint`, [replay.id])).toEqual(
      [{ delivered: 100, failed: 100 }],
    );
  });
});
