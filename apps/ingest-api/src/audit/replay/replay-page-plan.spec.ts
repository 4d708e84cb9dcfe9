import { FreshDatabase, freshDatabase } from '../../core/database/testing/fresh-database';
import { fixtureRows } from '../../core/database/testing/fixture-rows';
import { PlanNode, explainingPool, rowsRead } from '../../core/database/testing/explaining-pool';
import { ReplaysRepository } from './replays.repository';

const EVENTS = 20_000;
const PAGE = 500;

/**
 * A replay page walks the log in (received_at, id) order and stops at its size, whatever the planner guesses of the
 * suppression check: a log of one user's events (few distinct user ids) once made each page read every event left
 * after the cursor, so a replay's cost grew with the square of its length.
 */
describe('a replay page over a log of one user', () => {
  let db: FreshDatabase;
  let destination: string;
  const plans: PlanNode[] = [];

  beforeAll(async () => {
    db = await freshDatabase('replay_page_plan');
    await db.rows(`SELECT ensure_event_partitions(1)`);
    const rows = fixtureRows(db.pool);
    const source = await rows.source('server');
    destination = await rows.destination('fs', { sourceIds: [source] });
    await rows.oneUserEvents(source, EVENTS);
    await db.pool.query('ANALYZE events');
  });

  afterAll(async () => {
    await db.drop();
  });

  it('reads about its own size of events, in the middle of the log as at its start', async () => {
    const repo = new ReplaysRepository(explainingPool(db.pool, (sql) => sql.includes('WITH page AS'), plans));
    const replay = await new ReplaysRepository(db.pool).create(
      destination,
      {
        from: new Date(Date.now() - 2 * 3600_000).toISOString(),
        to: new Date(Date.now() + 60_000).toISOString(),
        status: 'any',
      },
      1000,
      'per-event',
    );
    const middle = (
      await db.pool.query<{ received_at: string; id: string }>(
        `SELECT received_at::text, id::text FROM events ORDER BY received_at, id OFFSET $1 LIMIT 1`,
        [EVENTS / 2],
      )
    ).rows[0];

    await repo.claimPage(replay, undefined, PAGE);
    await repo.claimPage(replay, { receivedAt: middle.received_at, id: middle.id }, PAGE);

    expect(plans).toHaveLength(2);
    // The page's own events, and none of the thousands after them (before the fix: 20,000 and 10,000).
    expect(plans.map((plan) => rowsRead(plan, 'events'))).toEqual([PAGE, PAGE]);
  });
});
