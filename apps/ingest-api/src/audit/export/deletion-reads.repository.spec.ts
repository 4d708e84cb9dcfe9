import { FreshDatabase, freshDatabase } from '../../core/database/testing/fresh-database';
import { fixtureRows } from '../../core/database/testing/fixture-rows';
import { DeletionReads } from './deletion-reads.repository';

/** Against a migrated database of its own. */
describe('DeletionReads', () => {
  let db: FreshDatabase;
  let reads: DeletionReads;
  let destination: string;
  let deletions: string[];
  let deliveries: string[];

  beforeAll(async () => {
    db = await freshDatabase('deletion_reads');
    reads = new DeletionReads(db.pool);
    const rows = fixtureRows(db.pool);
    destination = await rows.destination('fs');
    const deletion = async (createdAt: string, status: string) =>
      (
        await db.rows<{ id: string }>(
          `INSERT INTO deletions (user_count, destination_ids, status, erased_events, created_at, finished_at)
           VALUES (2, $1::uuid[], $2, 7, $3, CASE WHEN $2 = 'completed' THEN $3::timestamptz + interval '1 minute' END)
           RETURNING id::text`,
          [[destination], status, createdAt],
        )
      )[0].id;
    deletions = [
      await deletion('2026-03-01T09:59:59Z', 'completed'),
      await deletion('2026-03-01T10:00:00Z', 'completed'),
      await deletion('2026-03-01T10:30:00Z', 'pending'),
      await deletion('2026-03-01T11:00:00Z', 'pending'),
    ];
    deliveries = [];
    for (const status of ['delivered', 'pending']) {
      deliveries.push(
        (
          await db.rows<{ id: string }>(
            `INSERT INTO deliveries (destination_id, kind, status, deletion_id) VALUES ($1, 'deletion', $2, $3)
             RETURNING id::text`,
            [destination, status, deletions[1]],
          )
        )[0].id,
      );
    }
  });

  afterAll(async () => {
    await db.drop();
  });

  it('reads the deletions created in [from, to) after an id, with their deliveries and no user ids', async () => {
    const page = await reads.createdBetween('2026-03-01T10:00:00Z', '2026-03-01T11:00:00Z', '0', 10);
    expect(page).toEqual([
      {
        id: deletions[1],
        status: 'completed',
        user_count: 2,
        erased_events: '7',
        erased_attempts: '0',
        erased_rejected_events: '0',
        created_at: new Date('2026-03-01T10:00:00Z'),
        finished_at: new Date('2026-03-01T10:01:00Z'),
        deliveries: [
          { id: deliveries[0], destinationId: destination, status: 'delivered' },
          { id: deliveries[1], destinationId: destination, status: 'pending' },
        ],
      },
      {
        id: deletions[2],
        status: 'pending',
        user_count: 2,
        erased_events: '7',
        erased_attempts: '0',
        erased_rejected_events: '0',
        created_at: new Date('2026-03-01T10:30:00Z'),
        finished_at: null,
        deliveries: null,
      },
    ]);
    const after = await reads.createdBetween('2026-03-01T00:00:00Z', '2026-03-02T00:00:00Z', deletions[0], 2);
    expect(after.map((r) => r.id)).toEqual([deletions[1], deletions[2]]);
  });
});
