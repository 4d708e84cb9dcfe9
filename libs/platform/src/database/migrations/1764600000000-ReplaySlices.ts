import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The slices of batch-mode replays (issue 19): each page the replay runner hands to the batch executor, with its
 * deliveries, so a slice whose job was lost from Redis or failed for good is found and run again (or its
 * deliveries ended failed) instead of leaving them pending. The runner is its one writer. Slices enqueued before
 * this migration have no row: they are not recovered (a batch replay in flight while upgrading is cancelled and
 * its open deliveries relayed, or replayed again).
 */
export class ReplaySlices1764600000000 implements MigrationInterface {
  name = 'ReplaySlices1764600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE IF NOT EXISTS replay_slices (
        replay_id bigint NOT NULL REFERENCES replays(id) ON DELETE CASCADE,
        slice text NOT NULL,
        delivery_ids bigint[] NOT NULL,
        status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'settled', 'failed')),
        generation integer NOT NULL DEFAULT 0,
        error text,
        created_at timestamptz NOT NULL DEFAULT now(),
        checked_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (replay_id, slice)
      )`);
    await q.query(`CREATE INDEX IF NOT EXISTS replay_slices_open ON replay_slices (checked_at) WHERE status = 'open'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS replay_slices`);
  }
}
