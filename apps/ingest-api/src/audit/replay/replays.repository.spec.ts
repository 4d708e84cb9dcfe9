import { FreshDatabase, freshDatabase } from '../../core/database/testing/fresh-database';
import { fixtureRows } from '../../core/database/testing/fixture-rows';
import { StoredReplayFilter } from './replay.dto';
import { ReplaysRepository } from './replays.repository';

/** Against a migrated database of its own. */
describe('ReplaysRepository', () => {
  let db: FreshDatabase;
  let repo: ReplaysRepository;
  let destination: string;
  let events: string[];
  const filter: StoredReplayFilter = { from: '2026-03-01T00:00:00Z', to: '2026-03-02T00:00:00Z', status: 'any' };

  beforeAll(async () => {
    db = await freshDatabase('replays');
    await db.rows(`SELECT ensure_event_partitions(1)`);
    repo = new ReplaysRepository(db.pool);
    const rows = fixtureRows(db.pool);
    const source = await rows.source('web');
    const unconnected = await rows.source('other');
    destination = await rows.destination('fs', { sourceIds: [source] });
    events = [];
    for (let i = 0; i < 3; i++) events.push(await rows.event(source, `2026-03-01T10:00:0${i}Z`, `m${i}`));
    await rows.event(unconnected, '2026-03-01T10:00:05Z', 'elsewhere');
    await rows.event(source, '2026-03-03T10:00:00Z', 'later');
    // The first event was delivered live: the replay puts that delivery back to pending.
    await rows.delivery(events[0], '2026-03-01T10:00:00Z', destination, 'delivered');
  });

  afterAll(async () => {
    await db.drop();
  });

  it('creates, finds, lists and moves replays by compare and set', async () => {
    const created = await repo.create(destination, filter, 50, 'per-event');
    expect(created).toMatchObject({ destination_id: destination, filter, rate_per_second: 50, status: 'running' });
    expect(await repo.find(created.id)).toEqual(created);
    expect(await repo.find('999999')).toBeUndefined();
    const paused = await repo.transition(created.id, ['running'], 'paused');
    expect(paused).toMatchObject({ status: 'paused', finished_at: null });
    expect(await repo.transition(created.id, ['running'], 'cancelled')).toBeUndefined();
    const cancelled = await repo.transition(created.id, ['paused'], 'cancelled');
    expect(cancelled!.finished_at).toBeInstanceOf(Date);
    const newer = await repo.create(destination, filter, 10, 'batch');
    expect((await repo.list(10)).map((r) => r.id)).toEqual([newer.id, created.id]);
    await repo.transition(newer.id, ['running'], 'cancelled');
  });

  it('leases a running replay to one owner and hands it back', async () => {
    const replay = await repo.create(destination, filter, 50, 'per-event');
    expect(await repo.unheld('me')).toEqual([replay.id]);
    expect(await repo.claim(replay.id, 'me', 60_000)).toMatchObject({ id: replay.id, status: 'running' });
    expect(await repo.claim(replay.id, 'other', 60_000)).toBeNull();
    expect(await repo.unheld('other')).toEqual([]);
    await repo.release(replay.id, 'other');
    expect(await repo.claim(replay.id, 'other', 60_000)).toBeNull();
    await repo.release(replay.id, 'me');
    expect(await repo.claim(replay.id, 'other', 60_000)).not.toBeNull();
    await repo.releaseAll('other');
    await repo.fail(replay.id, 'y'.repeat(2500));
    expect(await repo.find(replay.id)).toMatchObject({ status: 'failed', error: 'y'.repeat(2000) });
    expect(await repo.claim(replay.id, 'me', 60_000)).toBeNull();
  });

  it('claims pages of matching events, counts new deliveries once, and completes at the end', async () => {
    const replay = await repo.create(destination, filter, 2, 'per-event');
    await repo.setMatched(replay.id, 3);
    const first = await repo.claimPage(replay, undefined, 2);
    expect(first.deliveryIds).toHaveLength(2);
    expect(first.last).toEqual({ receivedAt: expect.stringContaining('2026-03-01 10:00:01'), id: events[1] });
    // The same page again (a crash before the cursor moved) remembers nothing new.
    expect((await repo.claimPage(replay, undefined, 2)).deliveryIds).toEqual(first.deliveryIds);
    await repo.advance(replay.id, 'cursor-1', false);
    const second = await repo.claimPage(replay, first.last, 2);
    expect(second.deliveryIds).toHaveLength(1);
    await repo.advance(replay.id, null, true);
    expect(await repo.find(replay.id)).toMatchObject({
      status: 'completed',
      matched: '3',
      enqueued: '3',
      cursor: 'cursor-1',
    });
    const deliveries = await db.rows<{ event_id: string; status: string }>(
      `SELECT d.event_id::text, d.status FROM replay_deliveries rd JOIN deliveries d ON d.id = rd.delivery_id
        WHERE rd.replay_id = $1 ORDER BY d.event_id`,
      [replay.id],
    );
    expect(deliveries).toEqual(events.map((event_id) => ({ event_id, status: 'pending' })));
    expect(
      await db.rows(`SELECT from_status, to_status FROM delivery_state_changes WHERE reason = $1`, [
        `replay ${replay.id}`,
      ]),
    ).toEqual([{ from_status: 'delivered', to_status: 'pending' }]);
    // No page for a replay that is no longer running.
    expect((await repo.claimPage(replay, undefined, 2)).deliveryIds).toEqual([]);
  });

  it("brings the stored delivered / failed counts to the deliveries' states", async () => {
    const [replay] = await repo.list(1);
    await db.rows(
      `UPDATE deliveries SET status = 'delivered' WHERE id IN (
         SELECT delivery_id FROM replay_deliveries WHERE replay_id = $1 ORDER BY delivery_id LIMIT 2)`,
      [replay.id],
    );
    expect(await repo.refreshStoredProgress()).toBe(1);
    expect(await repo.find(replay.id)).toMatchObject({ delivered: '2', failed: '0' });
    expect(await repo.refreshStoredProgress()).toBe(0);
  });
});
