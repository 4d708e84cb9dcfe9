import { FreshDatabase, freshDatabase } from '../../core/database/testing/fresh-database';
import { fixtureRows } from '../../core/database/testing/fixture-rows';
import { MetricsReads } from './metrics-reads.repository';

/** Against a migrated database of its own. */
describe('MetricsReads', () => {
  let db: FreshDatabase;
  let reads: MetricsReads;

  beforeAll(async () => {
    db = await freshDatabase('metrics_reads');
    reads = new MetricsReads(db.pool);
  });

  afterAll(async () => {
    await db.drop();
  });

  it('reads an empty database as such', async () => {
    expect(await reads.destinationIds()).toEqual([]);
    expect(await reads.pausedFlags()).toEqual([]);
    expect(await reads.replays()).toEqual([]);
    expect(await reads.dedupOldestAgeSeconds()).toBe(0);
  });

  it('reads the live destinations oldest first with their paused flags; archived ones are left out', async () => {
    const rows = fixtureRows(db.pool);
    const a = await rows.destination('a');
    const b = await rows.destination('b', { paused: true });
    await rows.destination('archived', { paused: true, archived: true });
    await db.pool.query(`UPDATE destinations SET created_at = now() - interval '1 hour' WHERE id = $1`, [b]);
    expect(await reads.destinationIds()).toEqual([b, a]);
    const flags = await reads.pausedFlags();
    expect([...flags].sort((x, y) => (x.id < y.id ? -1 : 1))).toEqual(
      [
        { id: a, paused: false },
        { id: b, paused: true },
      ].sort((x, y) => (x.id < y.id ? -1 : 1)),
    );
  });

  it("reads the replays' progress", async () => {
    const destination = await fixtureRows(db.pool).destination('replayed');
    const [{ id }] = await db.rows<{ id: string }>(
      `INSERT INTO replays (destination_id, filter, rate_per_second, matched, enqueued, updated_at)
       VALUES ($1, '{}', 10, 40, 12, '2026-03-01T10:00:00Z') RETURNING id::text`,
      [destination],
    );
    expect(await reads.replays()).toEqual([
      {
        id,
        status: 'running',
        matched: '40',
        enqueued: '12',
        updated_epoch: Date.parse('2026-03-01T10:00:00Z') / 1000,
      },
    ]);
  });

  it("reads how far ahead the event log's last daily partition reaches", async () => {
    await db.pool.query(
      `CREATE TABLE events_p29991231 PARTITION OF events FOR VALUES FROM ('2999-12-31') TO ('3000-01-01')`,
    );
    const [{ expected }] = await db.rows<{ expected: number }>(
      `SELECT ('2999-12-31'::date - (now() AT TIME ZONE 'UTC')::date)::int AS expected`,
    );
    expect(await reads.partitionsAheadDays()).toBe(expected);
  });

  it('reads the age of the oldest remembered messageId', async () => {
    const source = await fixtureRows(db.pool).source('dedup');
    await db.pool.query(
      `INSERT INTO event_dedup (source_id, message_id, event_id, received_at)
       VALUES ($1, 'old', 1, now() - interval '2 hours'), ($1, 'new', 2, now() - interval '1 minute')`,
      [source],
    );
    const age = await reads.dedupOldestAgeSeconds();
    expect(age).toBeGreaterThanOrEqual(7200);
    expect(age).toBeLessThan(7200 + 600);
  });
});
