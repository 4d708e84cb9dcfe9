import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 19: the outbox relay walks open deliveries by id, 200 at a time. Indexed by updated_at, each page read
 * every open delivery past its grace period and sorted them by id to keep 200: a batch replay holds its 200,000
 * deliveries open while their slices run, so one walk read the open set once per page (quadratic; ~18 s of one
 * 200,000-event replay's database time). Indexed by id, a page reads its 200 rows in order and stops. Same name,
 * same partial condition; the index is rebuilt from the rows (no data changes).
 */
export class OpenDeliveriesById1764800000000 implements MigrationInterface {
  name = 'OpenDeliveriesById1764800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS deliveries_open_idx`);
    await q.query(`CREATE INDEX deliveries_open_idx ON deliveries (id) WHERE status IN ('pending', 'retrying')`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS deliveries_open_idx`);
    await q.query(
      `CREATE INDEX deliveries_open_idx ON deliveries (updated_at) WHERE status IN ('pending', 'retrying')`,
    );
  }
}
