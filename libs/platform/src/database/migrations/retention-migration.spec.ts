import { Pool } from 'pg';
import { MIGRATIONS } from '../data-source';
import { ensureDatabaseExists } from '../bootstrap';
import { dropTestDatabase } from '../testing/drop-test-database';
import { migrateUpTo as migrate } from '../testing/migrate-up-to';
import { Retention1764700000000 } from './1764700000000-Retention';

const SOURCE = '00000000-0000-4000-8000-000000000001';
const DEST = '00000000-0000-4000-8000-000000000002';

/** Upgrades: the partitioning migration keeps every row of a database filled by the previous schema. */
describe('migration 1764700000000-Retention on a filled database', () => {
  const dbName = `fsd_test_retention_migration_${process.pid}_${Date.now()}`;
  const url = `postgres://postgres@127.0.0.1:5432/${dbName}`;
  let pool: Pool;
  const one = async <T>(sql: string, values: unknown[] = []): Promise<T> => (await pool.query(sql, values)).rows[0];

  beforeAll(async () => {
    await ensureDatabaseExists(url);
    await migrate(url, MIGRATIONS.indexOf(Retention1764700000000));
    pool = new Pool({ connectionString: url, max: 3 });
    // 40 days of rows under the previous schema: events, dedup keys, deliveries (one a deletion), attempts, changes.
    await pool.query(`
      INSERT INTO sources (id, name, write_key_hash, write_key_hint) VALUES ('${SOURCE}', 's', 'h', 'x');
      INSERT INTO destinations (id, name, api_key_encrypted) VALUES ('${DEST}', 'd', 'k');
      INSERT INTO events (received_at, source_id, message_id, type, "timestamp", payload, raw)
        SELECT now() - make_interval(days => g), '${SOURCE}', 'm' || g, 'track', now(), '{}', '{}'
          FROM generate_series(0, 39) g;
      INSERT INTO event_dedup (source_id, message_id, event_id, received_at)
        SELECT source_id, message_id, id, received_at FROM events;
      INSERT INTO deliveries (event_id, event_received_at, destination_id, status)
        SELECT id, received_at, '${DEST}', 'delivered' FROM events;
      INSERT INTO deliveries (destination_id, kind, deletion_user_id) VALUES ('${DEST}', 'deletion', 'u-1');
      INSERT INTO delivery_attempts (delivery_id, attempt_number, trigger, started_at, finished_at, decision)
        SELECT id, 1, 'live', COALESCE(event_received_at, now()), now(), 'delivered' FROM deliveries;
      INSERT INTO delivery_state_changes (delivery_id, from_status, to_status, reason)
        SELECT id, 'pending', 'delivered', 'sent' FROM deliveries;
      INSERT INTO replays (destination_id, filter, rate_per_second) VALUES ('${DEST}', '{}', 1);
      INSERT INTO replay_deliveries (replay_id, delivery_id) SELECT 1, id FROM deliveries WHERE kind = 'event';`);
    await migrate(url, MIGRATIONS.length);
  }, 120_000);

  afterAll(() => dropTestDatabase(pool, dbName), 60_000);

  it('keeps every row, each in the legacy partition of its now partitioned table', async () => {
    const counts = await one<Record<string, string>>(`
      SELECT (SELECT count(*) FROM events)::text AS events, (SELECT count(*) FROM event_dedup)::text AS dedup,
             (SELECT count(*) FROM deliveries)::text AS deliveries,
             (SELECT count(*) FROM ONLY deliveries_legacy)::text AS legacy,
             (SELECT count(*) FROM delivery_attempts)::text AS attempts,
             (SELECT count(*) FROM delivery_state_changes)::text AS changes,
             (SELECT count(*) FROM replay_deliveries)::text AS replayed`);
    expect(counts).toEqual({
      events: '40',
      dedup: '40',
      deliveries: '41',
      legacy: '41',
      attempts: '41',
      changes: '41',
      replayed: '40',
    });
    const kinds = await pool.query<{ t: string; kind: string }>(
      `SELECT c.relname AS t, c.relkind::text AS kind FROM pg_class c
        WHERE c.relname IN ('deliveries', 'delivery_attempts', 'delivery_state_changes', 'event_dedup') ORDER BY 1`,
    );
    expect(kinds.rows.map((r) => r.kind)).toEqual(['p', 'p', 'p', 'p']);
    // The event deliveries' partition key is their event's reception; the deletion's, its creation.
    const mismatched = await one<{ n: string }>(
      `SELECT count(*)::text AS n FROM deliveries WHERE logged_at <> COALESCE(event_received_at, created_at)`,
    );
    expect(mismatched.n).toBe('0');
    const unlinked = await one<{ n: string }>(
      `SELECT count(*)::text AS n FROM delivery_state_changes c JOIN deliveries d ON d.id = c.delivery_id
        WHERE c.delivery_logged_at <> d.logged_at`,
    );
    expect(unlinked.n).toBe('0');
  });

  it('keeps the constraints: one delivery per event and destination, append-only audit rows, ids continuing', async () => {
    await expect(
      pool.query(
        `INSERT INTO deliveries (event_id, event_received_at, logged_at, destination_id)
         SELECT id, received_at, received_at, $1 FROM events WHERE message_id = 'm3'`,
        [DEST],
      ),
    ).rejects.toThrow(/duplicate key value violates unique constraint/);
    await expect(pool.query(`UPDATE delivery_attempts SET decision = 'x'`)).rejects.toThrow(/append-only/);
    await expect(pool.query(`UPDATE delivery_state_changes SET reason = 'x'`)).rejects.toThrow(/append-only/);
    const maxBefore = await one<{ m: string }>(`SELECT max(id)::text AS m FROM deliveries`);
    const created = await one<{ id: string }>(
      `INSERT INTO deliveries (destination_id, kind, deletion_user_id) VALUES ($1, 'deletion', 'u-2') RETURNING id::text`,
      [DEST],
    );
    expect(BigInt(created.id)).toBeGreaterThan(BigInt(maxBefore.m));
    // The sequences moved to the partitioned tables: dropping the legacy partition would not take them.
    const owners = await pool.query<{ seq: string }>(
      `SELECT pg_get_serial_sequence(t, 'id') AS seq FROM unnest(ARRAY['deliveries', 'delivery_attempts',
         'delivery_state_changes']) t`,
    );
    expect(owners.rows.map((r) => r.seq)).toEqual([
      'public.deliveries_id_seq',
      'public.delivery_attempts_id_seq',
      'public.delivery_state_changes_id_seq',
    ]);
  });

  it('creates daily partitions ahead after the legacy one, which a retention drop removes whole', async () => {
    const ahead = async () =>
      Number(
        (
          await one<{ n: string }>(
            `SELECT count(*)::text AS n FROM pg_inherits WHERE inhparent = 'deliveries'::regclass
                AND inhrelid::regclass::text ~ '^deliveries_p\\d{8}$'`,
          )
        ).n,
      );
    // The migration makes the days up to the day after tomorrow; the maintenance a week ahead.
    expect(await ahead()).toBe(2);
    await pool.query('SELECT ensure_audit_partitions(7)');
    expect(await ahead()).toBe(7);
    await pool.query(`SELECT drop_time_partition('delivery_attempts', 'delivery_attempts_legacy')`);
    const left = await one<{ n: string }>(`SELECT count(*)::text AS n FROM delivery_attempts`);
    expect(left.n).toBe('0');
    await expect(pool.query(`SELECT drop_time_partition('deliveries', 'events_default')`)).rejects.toThrow(
      /is not a partition of deliveries/,
    );
  });
});
