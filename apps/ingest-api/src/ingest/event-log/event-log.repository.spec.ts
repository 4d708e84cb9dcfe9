import { FreshDatabase, freshDatabase } from '../../core/database/testing/fresh-database';
import { fixtureRows } from '../../core/database/testing/fixture-rows';
import { EventLogRepository, EventRow } from './event-log.repository';

/** Against a migrated database of its own. */
describe('EventLogRepository', () => {
  let db: FreshDatabase;
  let repo: EventLogRepository;
  let source: string;
  let connected: string;

  const row = (messageId: string, extra: Partial<EventRow> = {}): EventRow => ({
    sourceId: source,
    messageId,
    type: 'track',
    eventName: 'Clicked',
    userId: 'u1',
    anonymousId: null,
    timestamp: '2026-03-01T10:00:00.000Z',
    receivedAt: '2026-03-01T10:00:01.000Z',
    payload: { messageId, event: 'Clicked' },
    raw: { messageId },
    ...extra,
  });

  beforeAll(async () => {
    db = await freshDatabase('event_log');
    await db.rows(`SELECT ensure_event_partitions(1)`);
    repo = new EventLogRepository(db.pool);
    const rows = fixtureRows(db.pool);
    source = await rows.source('web');
    connected = await rows.destination('fs', { sourceIds: [source] });
    const disabled = await rows.destination('off', { sourceIds: [source] });
    await db.rows(`UPDATE destinations SET enabled = false WHERE id = $1`, [disabled]);
    await rows.destination('other');
  });

  afterAll(async () => {
    await db.drop();
  });

  it('appends the first copy of each messageId with one delivery per enabled connected destination', async () => {
    const appended = await repo.append([row('m1'), row('m2'), row('m1')]);
    expect([...appended.keys()]).toEqual([`${source}\u0000m1`, `${source}\u0000m2`]);
    const m1 = appended.get(`${source}\u0000m1`)!;
    const m2 = appended.get(`${source}\u0000m2`)!;
    expect([m1.ordinal, m2.ordinal]).toEqual([0, 1]);
    // A delivery is logged when its event was received: its job names that time.
    expect(m1.deliveries).toEqual([
      { deliveryId: expect.stringMatching(/^\d+$/), destinationId: connected, loggedAt: '2026-03-01T10:00:01.000Z' },
    ]);
    const stored = await db.rows<{ t: Date }>(`SELECT logged_at AS t FROM deliveries WHERE id = $1`, [
      m1.deliveries[0].deliveryId,
    ]);
    expect(stored[0].t.toISOString()).toBe(m1.deliveries[0].loggedAt);
    const events = await db.rows<{ id: string; message_id: string; payload: unknown; raw: unknown }>(
      `SELECT id::text, message_id, payload, raw FROM events ORDER BY id`,
    );
    expect(events).toEqual([
      { id: m1.eventId, message_id: 'm1', payload: { messageId: 'm1', event: 'Clicked' }, raw: { messageId: 'm1' } },
      { id: m2.eventId, message_id: 'm2', payload: { messageId: 'm2', event: 'Clicked' }, raw: { messageId: 'm2' } },
    ]);
    const deliveries = await db.rows<{ id: string; event_id: string; status: string }>(
      `SELECT id::text, event_id::text, status FROM deliveries ORDER BY id`,
    );
    expect(deliveries).toEqual([
      { id: m1.deliveries[0].deliveryId, event_id: m1.eventId, status: 'pending' },
      { id: m2.deliveries[0].deliveryId, event_id: m2.eventId, status: 'pending' },
    ]);
  });

  it('appends nothing for a messageId already in the log', async () => {
    const appended = await repo.append([row('m2'), row('m3')]);
    expect([...appended.keys()]).toEqual([`${source}\u0000m3`]);
    expect(appended.get(`${source}\u0000m3`)!.ordinal).toBe(1);
    expect(await db.rows(`SELECT count(*)::int AS n FROM events`)).toEqual([{ n: 3 }]);
    expect(await db.rows(`SELECT count(*)::int AS n FROM deliveries`)).toEqual([{ n: 3 }]);
  });

  it('stores NUL and lone surrogates: text columns escaped, payload kept as JSON text', async () => {
    const odd = 'm\u0000\ud800';
    const appended = await repo.append([row(odd, { userId: 'u\u0000', payload: { v: '\u0000' } })]);
    const [hit] = [...appended.values()];
    const [stored] = await db.rows<{ message_id: string; user_id: string; payload: string }>(
      `SELECT message_id, user_id, payload::text AS payload FROM events WHERE id = $1`,
      [hit.eventId],
    );
    expect(stored.message_id).not.toContain('\u0000');
    expect(stored.user_id).not.toContain('\u0000');
    expect(JSON.parse(stored.payload)).toEqual({ v: '\u0000' });
    expect([...appended.keys()]).toEqual([`${source}\u0000${stored.message_id}`]);
  });
});
