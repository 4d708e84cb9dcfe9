import { FreshDatabase, freshDatabase } from '../../core/database/testing/fresh-database';
import { fixtureRows } from '../../core/database/testing/fixture-rows';
import { PlanNode, explainingPool, relationsRead } from '../../core/database/testing/explaining-pool';
import { dailyPartition, noonWithMicroseconds } from '../../core/database/testing/partition-days';
import { AuditReads } from './audit-reads.repository';
import { EventRow } from './audit.views';

/** Against a migrated database of its own. */
describe('AuditReads', () => {
  let db: FreshDatabase;
  let reads: AuditReads;
  let source: string;
  let other: string;
  let destination: string;
  /** Events e1..e4, received a minute apart in that order; e3 from the other source. */
  let e: string[];
  let deliveries: string[];

  beforeAll(async () => {
    db = await freshDatabase('audit_reads');
    reads = new AuditReads(db.pool);
    const rows = fixtureRows(db.pool);
    source = await rows.source('main');
    other = await rows.source('other');
    destination = await rows.destination('fs', { sourceIds: [source] });
    e = [
      await rows.event(source, '2026-03-01T10:00:00Z', 'm1', { userId: 'u1' }),
      await rows.event(source, '2026-03-01T10:01:00Z', 'm2', { type: 'identify', userId: 'u2' }),
      await rows.event(other, '2026-03-01T10:02:00Z', 'm3'),
      await rows.event(source, '2026-03-01T10:03:00Z', 'm4', { event: 'Order' }),
    ];
    deliveries = [
      await rows.delivery(e[0], '2026-03-01T10:00:00Z', destination, 'delivered'),
      await rows.delivery(e[1], '2026-03-01T10:01:00Z', destination, 'failed'),
      await rows.delivery(e[3], '2026-03-01T10:03:00Z', destination, 'pending'),
    ];
    await rows.attempt(deliveries[1], 2, 'retry');
    await rows.attempt(deliveries[1], 1, 'retry');
    await rows.attempt(deliveries[0], 1, 'delivered');
    await rows.stateChange(deliveries[1], null, 'pending', 'created');
    await rows.stateChange(deliveries[1], 'pending', 'failed', 'gave up');
    await rows.stateChange(deliveries[0], 'pending', 'delivered', 'sent');
  });

  afterAll(async () => {
    await db.drop();
  });

  it('pages newest first, before a position, by the filter', async () => {
    const all = await reads.newestFirst({}, undefined, 10);
    expect(all.map((r) => r.id)).toEqual([e[3], e[2], e[1], e[0]]);
    expect(all[0]).toEqual({
      id: e[3],
      cursor_at: '2026-03-01 10:03:00+00',
      received_at: new Date('2026-03-01T10:03:00Z'),
      source_id: source,
      message_id: 'm4',
      type: 'track',
      event_name: 'Order',
      user_id: null,
      anonymous_id: null,
      timestamp: new Date('2026-03-01T10:03:00Z'),
    });
    const page2 = await reads.newestFirst({}, { receivedAt: all[1].cursor_at, id: all[1].id }, 2);
    expect(page2.map((r) => r.id)).toEqual([e[1], e[0]]);
    expect((await reads.newestFirst({ sourceId: source }, undefined, 2)).map((r) => r.id)).toEqual([e[3], e[1]]);
    const failed = await reads.newestFirst({ destinationId: destination, deliveryStatus: 'failed' }, undefined, 10);
    expect(failed.map((r) => r.id)).toEqual([e[1]]);
  });

  it('pages oldest first, after a position, with the payload only when asked', async () => {
    const first = await reads.oldestFirst({ from: '2026-03-01T10:00:30Z' }, undefined, 2, true);
    expect(first.map((r) => [r.id, r.payload])).toEqual([
      [e[1], { messageId: 'm2' }],
      [e[2], { messageId: 'm3' }],
    ]);
    const next = await reads.oldestFirst({}, { receivedAt: first[1].cursor_at, id: first[1].id }, 10, false);
    expect(next.map((r) => r.id)).toEqual([e[3]]);
    expect(next[0].payload).toBeUndefined();
  });

  it('reads one event whole, or null', async () => {
    const one = await reads.event(e[1]);
    expect(one).toMatchObject({
      id: e[1],
      type: 'identify',
      user_id: 'u2',
      payload: { messageId: 'm2' },
      raw: { raw: true },
    });
    expect(await reads.event('999999')).toBeNull();
  });

  /** The events' rows as a page reads them, in the order of `ids`. */
  async function pageOf(ids: string[]): Promise<EventRow[]> {
    const all = await reads.newestFirst({}, undefined, 10);
    return ids.map((id) => all.find((r) => r.id === id)!);
  }

  it('reads the deliveries, attempts and state changes of a page, in order', async () => {
    const ds = await reads.deliveriesOf(await pageOf([e[3], e[0], e[2]]));
    expect(ds.map((d) => [d.id, d.event_id, d.destination_id, d.status, d.kind, d.attempts])).toEqual([
      [deliveries[0], e[0], destination, 'delivered', 'event', 0],
      [deliveries[2], e[3], destination, 'pending', 'event', 0],
    ]);
    const page = await pageOf([e[1], e[0]]);
    const attempts = await reads.attemptsOf([deliveries[1], deliveries[0]], page);
    expect(attempts.map((a) => [a.delivery_id, a.attempt_number, a.trigger, a.decision])).toEqual([
      [deliveries[0], 1, 'live', 'delivered'],
      [deliveries[1], 2, 'live', 'retry'],
      [deliveries[1], 1, 'live', 'retry'],
    ]);
    const changes = await reads.stateChangesOf([deliveries[1], deliveries[0]], page);
    expect(changes.map((s) => [s.delivery_id, s.from_status, s.to_status, s.reason])).toEqual([
      [deliveries[0], 'pending', 'delivered', 'sent'],
      [deliveries[1], null, 'pending', 'created'],
      [deliveries[1], 'pending', 'failed', 'gave up'],
    ]);
    expect(await reads.deliveriesOf([])).toEqual([]);
    expect(await reads.attemptsOf([], page)).toEqual([]);
    expect(await reads.stateChangesOf([], page)).toEqual([]);
  });

  it("looks a page's deliveries, attempts and state changes up in its events' partitions", async () => {
    await db.rows(`SELECT ensure_audit_partitions(7)`);
    // An event four days ahead (a daily partition of its own), its delivery, one attempt and one state change.
    const at = noonWithMicroseconds(4);
    const rows = fixtureRows(db.pool);
    const ahead = await rows.event(source, at, 'm-ahead');
    const delivery = await rows.delivery(ahead, at, destination, 'delivered');
    await db.rows(
      `INSERT INTO delivery_attempts (delivery_id, attempt_number, trigger, started_at, finished_at, decision)
       VALUES ($1, 1, 'live', $2, $2, 'delivered')`,
      [delivery, at],
    );
    await rows.stateChange(delivery, 'pending', 'delivered', 'sent');
    const page = (await reads.newestFirst({}, undefined, 1)).filter((r) => r.id === ahead);
    expect(page).toHaveLength(1);

    const plans: PlanNode[] = [];
    const traced = (sql: string) => /FROM (deliveries d|delivery_attempts a|delivery_state_changes s)\b/.test(sql);
    const explaining = new AuditReads(explainingPool(db.pool, traced, plans));
    await explaining.deliveriesOf(page);
    await explaining.attemptsOf([delivery], page);
    await explaining.stateChangesOf([delivery], page);
    expect(plans).toHaveLength(3);
    expect(relationsRead(plans[0], 'deliveries')).toEqual([dailyPartition('deliveries', 4)]);
    // Attempts start after their delivery is logged, less a day for the clocks' skew: none before the day before.
    expect(relationsRead(plans[1], 'delivery_attempts')).toEqual(
      [3, 4, 5, 6, 7].map((k) => dailyPartition('delivery_attempts', k)),
    );
    expect(relationsRead(plans[2], 'delivery_state_changes')).toEqual([dailyPartition('delivery_state_changes', 4)]);
    expect((await reads.attemptsOf([delivery], page)).map((a) => a.decision)).toEqual(['delivered']);
    expect((await reads.stateChangesOf([delivery], page)).map((c) => c.to_status)).toEqual(['delivered']);
  });
});
