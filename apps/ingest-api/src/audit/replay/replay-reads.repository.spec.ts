import { FreshDatabase, freshDatabase } from '../../core/database/testing/fresh-database';
import { fixtureRows } from '../../core/database/testing/fixture-rows';
import { StoredReplayFilter } from './replay.dto';
import { ReplayReadsRepository } from './replay-reads.repository';
import { ReplayProgressCache } from './replay-progress-cache';

/** Against a migrated database of its own. */
describe('ReplayReadsRepository', () => {
  let db: FreshDatabase;
  let reads: ReplayReadsRepository;
  let source: string;
  let destination: string;
  let events: string[];
  let replay: string;
  let deliveries: string[];
  const filter: StoredReplayFilter = { from: '2026-03-01T00:00:00Z', to: '2026-03-02T00:00:00Z', status: 'any' };

  beforeAll(async () => {
    db = await freshDatabase('replay_reads');
    await db.rows(`SELECT ensure_event_partitions(1)`);
    reads = new ReplayReadsRepository(db.pool);
    const rows = fixtureRows(db.pool);
    source = await rows.source('web');
    const unconnected = await rows.source('other');
    destination = await rows.destination('fs', { sourceIds: [source] });
    await db.rows(
      `INSERT INTO mappings (destination_id, position, name, trigger, action, mapping, enabled)
       VALUES ($1, 0, 'a', 'type = "track"', 'trackEventV2', '{}', true), ($1, 1, 'b', 'type = "track"', 'trackEvent', '{}', false)`,
      [destination],
    );
    events = [];
    for (let i = 0; i < 3; i++) {
      events.push(await rows.event(source, `2026-03-01T10:00:0${i}Z`, `m${i}`, { userId: `u${i}` }));
    }
    await rows.event(unconnected, '2026-03-01T10:00:05Z', 'elsewhere');
    // An erased user's event (its id is a suppressed hash) is never replayed.
    await rows.event(source, '2026-03-01T10:00:06Z', 'erased', { userId: 'erased:abc' });
    await db.rows(
      `WITH d AS (INSERT INTO deletions (user_count, destination_ids) VALUES (1, '{}') RETURNING id)
       INSERT INTO suppressed_identities (identity_hash, deletion_id) SELECT 'erased:abc', id FROM d`,
    );
    [{ id: replay }] = await db.rows<{ id: string }>(
      `INSERT INTO replays (destination_id, filter, rate_per_second, mode) VALUES ($1, '{}', 10, 'batch') RETURNING id::text`,
      [destination],
    );
    deliveries = [];
    for (const [i, status] of ['delivered', 'failed', 'pending'].entries()) {
      const id = await rows.delivery(events[i], `2026-03-01T10:00:0${i}Z`, destination, status);
      deliveries.push(id);
      await db.rows(`INSERT INTO replay_deliveries (replay_id, delivery_id) VALUES ($1, $2)`, [replay, id]);
    }
    await db.rows(
      `INSERT INTO replay_batch_jobs (replay_id, slice, round, kind, chunk, status, items, imported, failed)
       VALUES ($1, 's', 0, 'events', 0, 'COMPLETED', 3, 2, 1), ($1, 's', 0, 'users', 0, 'PROCESSING', 3, 0, 0)`,
      [replay],
    );
  });

  afterAll(async () => {
    await db.drop();
  });

  it('reads the destination, its connected sources and the actions of its enabled mappings', async () => {
    expect(await reads.destinationExists(destination)).toBe(true);
    expect(await reads.destinationExists('00000000-0000-4000-8000-000000000000')).toBe(false);
    expect(await reads.connectedSourceIds(destination)).toEqual([source]);
    expect(await reads.subscribedActions(destination)).toEqual(['trackEventV2']);
  });

  it('counts and samples the events the replay matches: connected sources, in range, not suppressed', async () => {
    expect(await reads.countMatching(destination, filter)).toBe(3);
    expect((await reads.sampleMatching(destination, filter, 2)).map((e) => e.id)).toEqual(events.slice(0, 2));
    expect(await reads.countMatching(destination, { ...filter, userIds: ['u1'] })).toBe(1);
    expect(await reads.countMatching(destination, { ...filter, status: 'failed' })).toBe(1);
  });

  it("reads the replay's progress, its batch jobs' progress and its deliveries by id", async () => {
    expect(await reads.progressOf({ id: replay, filter })).toEqual({
      delivered: 1,
      failed: 1,
      skipped: 0,
      inFlight: 1,
    });
    expect(await reads.batchProgressOf(replay)).toEqual({ jobs: 2, jobsRunning: 1, imported: 2, itemErrors: 1 });
    expect(await reads.deliveryIdsAfter(replay, '0', 2)).toEqual(deliveries.slice(0, 2));
    expect(await reads.deliveryIdsAfter(replay, deliveries[1], 2)).toEqual(deliveries.slice(2));
  });

  it('the progress cache: reads at once share one count, and a later read counts the changed statuses', async () => {
    const cache = new ReplayProgressCache(reads);
    const [a, b] = await Promise.all([cache.get({ id: replay, filter }), cache.get({ id: replay, filter })]);
    expect(a).toBe(b);
    expect(a.progress).toEqual({ delivered: 1, failed: 1, skipped: 0, inFlight: 1 });
    await db.rows(`UPDATE deliveries SET status = 'delivered' WHERE id = $1`, [deliveries[2]]);
    // A count of three deliveries is reused for a few ms at most: the next reads see the change.
    const deadline = Date.now() + 10_000;
    let now = await cache.get({ id: replay, filter });
    while (now.progress.delivered !== 2 && Date.now() < deadline) now = await cache.get({ id: replay, filter });
    expect(now.progress).toEqual({ delivered: 2, failed: 1, skipped: 0, inFlight: 0 });
    expect(now.countedAt.getTime()).toBeGreaterThanOrEqual(a.countedAt.getTime());
    await db.rows(`UPDATE deliveries SET status = 'pending' WHERE id = $1`, [deliveries[2]]);
  });
});
