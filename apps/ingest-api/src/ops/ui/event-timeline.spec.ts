import { FreshDatabase, freshDatabase } from '../../core/database/testing/fresh-database';
import { fixtureRows } from '../../core/database/testing/fixture-rows';
import { PlanNode, explainingPool, relationsRead } from '../../core/database/testing/explaining-pool';
import { dailyPartition, noonWithMicroseconds } from '../../core/database/testing/partition-days';
import { eventTimeline } from './ops-queries.repository';

/**
 * The operations page's event timeline reads its deliveries and their state changes in the event's received_at
 * partition, its attempts from the day before it: by ids alone, every partition the retention keeps.
 */
describe("the operations page's event timeline", () => {
  let db: FreshDatabase;
  let eventId: string;

  beforeAll(async () => {
    db = await freshDatabase('event_timeline');
    await db.rows(`SELECT ensure_audit_partitions(7)`);
    const rows = fixtureRows(db.pool);
    const source = await rows.source('web');
    const destination = await rows.destination('fs', { sourceIds: [source] });
    // Four days ahead, with microseconds: a daily partition of its own.
    const at = noonWithMicroseconds(4);
    eventId = await rows.event(source, at, 'm-1', { userId: 'u-1' });
    const delivery = await rows.delivery(eventId, at, destination, 'delivered');
    await db.rows(
      `INSERT INTO delivery_attempts (delivery_id, attempt_number, trigger, started_at, finished_at, decision)
       VALUES ($1, 1, 'live', $2::timestamptz + interval '1 second', $2::timestamptz + interval '1 second', 'delivered')`,
      [delivery, at],
    );
    await db.rows(
      `INSERT INTO delivery_state_changes (delivery_id, delivery_logged_at, from_status, to_status, reason, at)
       VALUES ($1, $2, 'pending', 'delivered', 'delivered', $2::timestamptz + interval '2 seconds')`,
      [delivery, at],
    );
  });

  afterAll(async () => {
    await db.drop();
  });

  it('holds the receipt, then the attempt, then the state change, in time order', async () => {
    const timeline = await eventTimeline(db.pool, eventId);
    expect(timeline?.event.id).toBe(eventId);
    expect(timeline?.rows.map((r) => r.kind)).toEqual(['received', 'attempt', 'state']);
  });

  it("reads the event's partitions alone", async () => {
    const plans: PlanNode[] = [];
    const traced = (sql: string) => sql.includes('FROM deliveries d');
    await eventTimeline(explainingPool(db.pool, traced, plans), eventId);
    expect(plans).toHaveLength(2);
    // The two statements run at once: their plans come in either order.
    const read = (table: string) => plans.flatMap((plan) => relationsRead(plan, table));
    expect(read('deliveries')).toEqual([dailyPartition('deliveries', 4), dailyPartition('deliveries', 4)]);
    expect(read('delivery_state_changes')).toEqual([dailyPartition('delivery_state_changes', 4)]);
    // Attempts start after their delivery is logged, less a day for the clocks' skew.
    expect(read('delivery_attempts')).toEqual([3, 4, 5, 6, 7].map((k) => dailyPartition('delivery_attempts', k)));
  });
});
