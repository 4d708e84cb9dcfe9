import { FreshDatabase, freshDatabase } from '../../core/database/testing/fresh-database';
import { fixtureRows } from '../../core/database/testing/fixture-rows';
import { RedriveSelection } from './redrive-selection.repository';

/** Against a migrated database of its own. */
describe('RedriveSelection', () => {
  let db: FreshDatabase;
  let selection: RedriveSelection;
  let destination: string;
  let otherDestination: string;
  /** Failed deliveries: f1 (track, u1, 10:00), f2 (identify, u2, 11:00), f3 (track, erased user, 12:00). */
  let f: string[];

  beforeAll(async () => {
    db = await freshDatabase('redrive_selection');
    selection = new RedriveSelection(db.pool);
    const rows = fixtureRows(db.pool);
    const source = await rows.source('main');
    destination = await rows.destination('fs', { sourceIds: [source] });
    otherDestination = await rows.destination('other', { sourceIds: [source] });
    const at = ['2026-03-01T10:00:00Z', '2026-03-01T11:00:00Z', '2026-03-01T12:00:00Z'];
    const events = [
      await rows.event(source, at[0], 'm1', { userId: 'u1', event: 'Order' }),
      await rows.event(source, at[1], 'm2', { type: 'identify', userId: 'u2' }),
      await rows.event(source, at[2], 'm3', { userId: 'erased-hash' }),
    ];
    f = [
      await rows.delivery(events[0], at[0], destination, 'failed'),
      await rows.delivery(events[1], at[1], destination, 'failed'),
      await rows.delivery(events[2], at[2], destination, 'failed'),
    ];
    await rows.delivery(events[0], at[0], otherDestination, 'failed');
    await rows.delivery(null, null, destination, 'delivered');
    const deletion = (
      await db.rows<{ id: string }>(
        `INSERT INTO deletions (user_count, destination_ids) VALUES (1, $1::uuid[]) RETURNING id::text`,
        [[destination]],
      )
    )[0].id;
    await db.pool.query(`INSERT INTO suppressed_identities (identity_hash, deletion_id) VALUES ('erased-hash', $1)`, [
      deletion,
    ]);
  });

  afterAll(async () => {
    await db.drop();
  });

  it('knows which destinations exist', async () => {
    expect(await selection.destinationExists(destination)).toBe(true);
    expect(await selection.destinationExists('00000000-0000-4000-8000-000000000000')).toBe(false);
  });

  const ids = async (...args: Parameters<RedriveSelection['keysAfter']>) =>
    (await selection.keysAfter(...args)).map((k) => k.id);

  it("selects the destination's failed deliveries, never an erased user's", async () => {
    expect(await selection.count(destination, {})).toBe(2);
    expect(await ids(destination, {}, '0', 10)).toEqual([f[0], f[1]]);
    expect(await ids(destination, {}, '0', 1)).toEqual([f[0]]);
    expect(await ids(destination, {}, f[0], 10)).toEqual([f[1]]);
    // With each one's logged_at, which its redrive job names.
    const [key] = await selection.keysAfter(destination, {}, '0', 1);
    const stored = await db.rows<{ t: Date }>('SELECT logged_at AS t FROM deliveries WHERE id = $1', [f[0]]);
    expect(key).toEqual({ id: f[0], loggedAt: stored[0].t.toISOString() });
  });

  it('narrows by time, type, event name and user', async () => {
    expect(await ids(destination, { from: '2026-03-01T10:30:00Z' }, '0', 10)).toEqual([f[1]]);
    expect(await ids(destination, { to: '2026-03-01T10:30:00Z' }, '0', 10)).toEqual([f[0]]);
    expect(await ids(destination, { types: ['identify'] }, '0', 10)).toEqual([f[1]]);
    expect(await ids(destination, { eventNames: ['Order'] }, '0', 10)).toEqual([f[0]]);
    expect(await selection.count(destination, { userIds: ['u2', 'u3'] })).toBe(1);
    expect(await selection.count(destination, { userIds: ['erased-hash'] })).toBe(0);
  });
});
