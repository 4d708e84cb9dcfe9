import { FreshDatabase, freshDatabase } from '../../core/database/testing/fresh-database';
import { fixtureRows } from '../../core/database/testing/fixture-rows';
import { OpenDeliveriesRepository } from './open-deliveries.repository';

/** Against a migrated database of its own. */
describe('OpenDeliveriesRepository', () => {
  let db: FreshDatabase;
  let repo: OpenDeliveriesRepository;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    db = await freshDatabase('open_deliveries');
    repo = new OpenDeliveriesRepository(db.pool);
    const rows = fixtureRows(db.pool);
    const destination = await rows.destination('fs');
    const delivery = async (name: string, status: string, age: string) => {
      ids[name] = (
        await db.rows<{ id: string }>(
          `INSERT INTO deliveries (destination_id, status, updated_at) VALUES ($1, $2, now() - $3::interval)
           RETURNING id::text`,
          [destination, status, age],
        )
      )[0].id;
    };
    await delivery('pending', 'pending', '1 hour');
    await delivery('retrying', 'retrying', '1 hour');
    await delivery('fresh', 'pending', '0 seconds');
    await delivery('delivered', 'delivered', '1 hour');
    await delivery('replayed', 'pending', '1 hour');
    await delivery('cancelledReplay', 'pending', '1 hour');
    await delivery('batchReplay', 'pending', '1 hour');
    await delivery('redriven', 'retrying', '1 hour');
    await db.rows(`UPDATE deliveries SET retry_job = 'd' || id || '-rd7' WHERE id = $1`, [ids.redriven]);
    // Sent twice before the replay put it back to pending.
    await db.rows(`UPDATE deliveries SET attempts = 2 WHERE id = $1`, [ids.replayed]);
    const replay = async (mode: string, status: string, deliveryId: string) => {
      const [{ id }] = await db.rows<{ id: string }>(
        `INSERT INTO replays (destination_id, filter, rate_per_second, mode, status) VALUES ($1, '{}', 10, $2, $3)
         RETURNING id::text`,
        [destination, mode, status],
      );
      await db.rows(`INSERT INTO replay_deliveries (replay_id, delivery_id) VALUES ($1, $2)`, [id, deliveryId]);
      return id;
    };
    ids.replay = await replay('per-event', 'running', ids.replayed);
    await replay('per-event', 'cancelled', ids.cancelledReplay);
    await replay('batch', 'running', ids.batchReplay);
  });

  afterAll(async () => {
    await db.drop();
  });

  it('reads the open deliveries past the grace period, with the replay whose job serves them and their attempt counts, by id', async () => {
    // Each with its logged_at, which the job the relay enqueues names.
    const { rows } = await db.pool.query<{ id: string; t: Date }>(
      'SELECT id::text, logged_at AS t FROM deliveries WHERE id = ANY($1::bigint[])',
      [[ids.pending, ids.retrying, ids.replayed, ids.cancelledReplay, ids.redriven]],
    );
    const loggedAt = (id: string) => rows.find((r) => r.id === id)!.t.toISOString();
    const open = (id: string, replay: string | null, retryJob: string | null = null) => ({
      id,
      logged_at: loggedAt(id),
      destination_id: expect.any(String),
      replay_id: replay,
      retry_job: retryJob,
      attempts: id === ids.replayed ? 2 : 0,
    });
    expect(await repo.after('0', 60_000, 100)).toEqual({
      deliveries: [
        open(ids.pending, null),
        open(ids.retrying, null),
        open(ids.replayed, ids.replay),
        // A cancelled replay no longer serves its deliveries; a batch replay's travel in slice jobs (left out).
        open(ids.cancelledReplay, null),
        // With the job that holds its retry timer.
        open(ids.redriven, null, `d${ids.redriven}-rd7`),
      ],
      next: null,
    });
  });

  it('walks on after the cursor, limit at a time', async () => {
    const page = async (after: string) => {
      const p = await repo.after(after, 60_000, 2);
      return { ids: p.deliveries.map((r) => r.id), next: p.next };
    };
    expect(await page('0')).toEqual({ ids: [ids.pending, ids.retrying], next: ids.retrying });
    expect(await page(ids.retrying)).toEqual({ ids: [ids.replayed, ids.cancelledReplay], next: ids.cancelledReplay });
    // The batch replay's delivery is read (the walk goes on past it) but not returned.
    expect(await page(ids.cancelledReplay)).toEqual({ ids: [ids.redriven], next: ids.redriven });
    expect(await page(ids.redriven)).toEqual({ ids: [], next: null });
    // A full page of a batch replay's deliveries alone: nothing to check, and the walk goes on.
    expect(await repo.after(ids.cancelledReplay, 60_000, 1)).toEqual({ deliveries: [], next: ids.batchReplay });
  });
});
