import { FreshDatabase, freshDatabase } from '../../core/database/testing/fresh-database';
import { fixtureRows } from '../../core/database/testing/fixture-rows';
import { PlanNode, explainingPool, rowsRead } from '../../core/database/testing/explaining-pool';
import { RedriveSelection } from './redrive-selection.repository';

const FAILED = 20_000;
const PAGE = 500;

/**
 * A redrive page walks the failed deliveries in id order and stops at its size, whatever the planner guesses of the
 * suppression check: with one user's events it once read and sorted every failed delivery after the cursor.
 */
describe('a redrive page over one user failed deliveries', () => {
  let db: FreshDatabase;
  let destination: string;
  let firstId: bigint;

  beforeAll(async () => {
    db = await freshDatabase('redrive_page_plan');
    await db.rows(`SELECT ensure_event_partitions(1)`);
    const rows = fixtureRows(db.pool);
    const source = await rows.source('server');
    destination = await rows.destination('fs', { sourceIds: [source] });
    await rows.oneUserEvents(source, FAILED);
    const { rows: inserted } = await db.pool.query<{ first: string }>(
      `WITH d AS (
         INSERT INTO deliveries (event_id, event_received_at, logged_at, destination_id, status)
         SELECT e.id, e.received_at, e.received_at, $1::uuid, 'failed' FROM events e ORDER BY e.id RETURNING id)
       SELECT min(id)::text AS first FROM d`,
      [destination],
    );
    firstId = BigInt(inserted[0].first);
    await db.pool.query('ANALYZE events');
    await db.pool.query('ANALYZE deliveries');
  });

  afterAll(async () => {
    await db.drop();
  });

  it('reads about its own size of deliveries, in the middle as at the start', async () => {
    const plans: PlanNode[] = [];
    const selection = new RedriveSelection(
      explainingPool(db.pool, (sql) => sql.includes('ORDER BY d.id LIMIT'), plans),
    );
    // All of them are selected (nobody is erased): the page is the selection's first PAGE after the cursor.
    expect(await new RedriveSelection(db.pool).count(destination, {})).toBe(FAILED);

    await selection.keysAfter(destination, {}, '0', PAGE);
    await selection.keysAfter(destination, {}, String(firstId + BigInt(FAILED / 2)), PAGE);

    expect(plans).toHaveLength(2);
    // The page's own deliveries, none of the thousands after them (before the fix: 20,000 and 9,999).
    expect(plans.map((plan) => rowsRead(plan, 'deliveries'))).toEqual([PAGE, PAGE]);
  });
});
