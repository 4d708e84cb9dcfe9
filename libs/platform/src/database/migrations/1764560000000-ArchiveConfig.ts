import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Deleting a destination or a source archives it (archived_at), so its deliveries, attempts and
 * state changes stay for the audit. The deliveries' foreign key no longer cascades: a destination
 * row with audit rows cannot be deleted by accident.
 */
export class ArchiveConfig1764560000000 implements MigrationInterface {
  name = 'ArchiveConfig1764560000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE destinations ADD COLUMN archived_at timestamptz`);
    await q.query(`ALTER TABLE sources ADD COLUMN archived_at timestamptz`);
    await q.query(`ALTER TABLE deliveries DROP CONSTRAINT deliveries_destination_id_fkey`);
    await q.query(
      `ALTER TABLE deliveries ADD CONSTRAINT deliveries_destination_id_fkey
         FOREIGN KEY (destination_id) REFERENCES destinations(id)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE deliveries DROP CONSTRAINT deliveries_destination_id_fkey`);
    await q.query(
      `ALTER TABLE deliveries ADD CONSTRAINT deliveries_destination_id_fkey
         FOREIGN KEY (destination_id) REFERENCES destinations(id) ON DELETE CASCADE`,
    );
    await q.query(`ALTER TABLE sources DROP COLUMN archived_at`);
    await q.query(`ALTER TABLE destinations DROP COLUMN archived_at`);
  }
}
