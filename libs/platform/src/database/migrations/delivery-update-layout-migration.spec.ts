import { Pool } from 'pg';
import { MIGRATIONS } from '../data-source';
import { ensureDatabaseExists } from '../bootstrap';
import { dropTestDatabase } from '../testing/drop-test-database';
import { migrateUpTo as migrate, undoLastMigration } from '../testing/migrate-up-to';
import { DELIVERIES_FILLFACTOR, DeliveryUpdateLayout1764900000000 } from './1764900000000-DeliveryUpdateLayout';

const DESTINATION = '00000000-0000-4000-8000-000000000001';

/** Upgrades: the deliveries' index swap and fillfactor keep every row, reach every partition, and revert. */
describe('migration 1764900000000-DeliveryUpdateLayout on a filled database', () => {
  const dbName = `fsd_test_delivery_layout_${process.pid}_${Date.now()}`;
  const url = `postgres://postgres@127.0.0.1:5432/${dbName}`;
  const at = MIGRATIONS.indexOf(DeliveryUpdateLayout1764900000000);
  let pool: Pool;
  let before: Array<Record<string, unknown>>;
  const rows = async <T>(sql: string, values: unknown[] = []): Promise<T[]> => (await pool.query(sql, values)).rows;
  const deliveryIndexes = () =>
    rows<{ name: string; predicate: string | null }>(
      `SELECT c.relname AS name, pg_get_expr(i.indpred, i.indrelid) AS predicate
         FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
        WHERE i.indrelid = 'deliveries'::regclass AND c.relname LIKE 'deliveries_%status%' ORDER BY 1`,
    );
  /** Each partition of deliveries with its fillfactor (null: the default). */
  const fillfactors = () =>
    rows<{ part: string; fillfactor: string | null }>(
      `SELECT c.relname AS part,
              (SELECT split_part(o, '=', 2) FROM unnest(c.reloptions) o WHERE o LIKE 'fillfactor=%') AS fillfactor
         FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
        WHERE i.inhparent = 'deliveries'::regclass ORDER BY 1`,
    );
  /** Claims (the worker's claim columns only) `n` new deliveries logged `daysAhead` days from now: how many were HOT. */
  const hotClaims = async (n: number, daysAhead: number): Promise<number> => {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      const { rows: inserted } = await client.query<{ part: string }>(
        `INSERT INTO deliveries (event_id, event_received_at, logged_at, destination_id)
         SELECT g, now() + make_interval(days => $2), now() + make_interval(days => $2), $3::uuid
           FROM generate_series(1, $1::int) g
         RETURNING tableoid::regclass::text AS part`,
        [n, daysAhead, DESTINATION],
      );
      await client.query(
        `UPDATE deliveries SET claimed_until = now() + interval '30 seconds', claim_token = 'claim-token-0123456789'
          WHERE logged_at > now() + make_interval(days => $1 - 1)`,
        [daysAhead],
      );
      // This transaction's own counts, so other sessions' writes and the statistics' flush delay do not matter.
      const { rows: stats } = await client.query<{ hot: string }>(
        `SELECT n_tup_hot_upd::text AS hot FROM pg_stat_xact_user_tables WHERE relname = $1`,
        [inserted[0].part],
      );
      await client.query('ROLLBACK');
      return Number(stats[0].hot);
    } finally {
      client.release();
    }
  };

  beforeAll(async () => {
    await ensureDatabaseExists(url);
    await migrate(url, at);
    pool = new Pool({ connectionString: url, max: 3 });
    await pool.query(`INSERT INTO destinations (id, name, api_key_encrypted) VALUES ($1::uuid, 'layout', 'sealed')`, [
      DESTINATION,
    ]);
    await pool.query(
      `INSERT INTO deliveries (event_id, event_received_at, logged_at, destination_id, status)
       SELECT g, now(), now(), $1::uuid, (ARRAY['pending', 'failed', 'delivered'])[1 + g % 3]
         FROM generate_series(1, 30) g`,
      [DESTINATION],
    );
    before = await rows(`SELECT * FROM deliveries ORDER BY id`);
    await migrate(url, at + 1);
  }, 120_000);

  afterAll(() => dropTestDatabase(pool, dbName), 30_000);

  it('keeps every delivery and swaps the destination/status index for a partial one on failed deliveries', async () => {
    expect(before).toHaveLength(30);
    expect(await rows(`SELECT * FROM deliveries ORDER BY id`)).toEqual(before);
    expect(await deliveryIndexes()).toEqual([{ name: 'deliveries_destination_status_received_idx', predicate: null }]);
    const [failedIndex] = await rows<{ def: string }>(
      `SELECT pg_get_indexdef('deliveries_failed_destination_idx'::regclass) AS def`,
    );
    expect(failedIndex.def).toContain(`(destination_id, id) WHERE (status = 'failed'::text)`);
  });

  it('sets the fillfactor on every partition, and on each one created afterwards', async () => {
    const existing = await fillfactors();
    expect(existing.length).toBeGreaterThan(1);
    expect(existing.filter((p) => p.fillfactor !== String(DELIVERIES_FILLFACTOR))).toEqual([]);
    await pool.query('SELECT ensure_audit_partitions(10)');
    const after = await fillfactors();
    expect(after.length).toBeGreaterThan(existing.length);
    expect(after.filter((p) => p.fillfactor !== String(DELIVERIES_FILLFACTOR))).toEqual([]);
  });

  it('lets the claim of freshly inserted deliveries be a heap-only update', async () => {
    expect(await hotClaims(200, 5)).toBe(200);
  });

  it('reverts: the old index, the default fillfactor, and new partitions without one', async () => {
    await undoLastMigration(url);
    expect(await rows(`SELECT * FROM deliveries ORDER BY id`)).toEqual(before);
    expect(await deliveryIndexes()).toEqual([
      { name: 'deliveries_destination_status_idx', predicate: null },
      { name: 'deliveries_destination_status_received_idx', predicate: null },
    ]);
    expect((await fillfactors()).filter((p) => p.fillfactor !== null)).toEqual([]);
    await pool.query('SELECT ensure_audit_partitions(12)');
    expect((await fillfactors()).filter((p) => p.fillfactor !== null)).toEqual([]);
    // A page filled at the default fillfactor has no room: the same claims are no longer heap-only.
    expect(await hotClaims(200, 11)).toBe(0);
  });
});
