import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The worker asks, for every delivery of a destination that suppresses deleted users (the default), whether that
 * user has a deletion delivery there. Without an index that question scanned every delivery of the destination,
 * so each delivery cost more than the last (a 100,000-event replay slowed to a crawl). Only deletion rows are
 * indexed, so live traffic pays nothing for it.
 */
export class DeletedUserLookup1764570000000 implements MigrationInterface {
  name = 'DeletedUserLookup1764570000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE INDEX IF NOT EXISTS deliveries_deleted_user_idx
         ON deliveries (destination_id, deletion_user_id) WHERE kind = 'deletion'`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS deliveries_deleted_user_idx`);
  }
}
