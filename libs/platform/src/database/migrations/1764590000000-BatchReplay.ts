import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Replays in batch mode (issue 19): a replay's mode; the FullStory batch jobs a replay created (their one
 * writer is the worker's batch executor); and on each audit row the job and the item's index in it. Existing
 * replays were all per event; existing audit rows name no job.
 */
export class BatchReplay1764590000000 implements MigrationInterface {
  name = 'BatchReplay1764590000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE replays ADD COLUMN IF NOT EXISTS mode text NOT NULL DEFAULT 'per-event'
         CHECK (mode IN ('batch', 'per-event'))`,
    );
    await q.query(`ALTER TABLE delivery_attempts ADD COLUMN IF NOT EXISTS batch_job_id text`);
    await q.query(`ALTER TABLE delivery_attempts ADD COLUMN IF NOT EXISTS batch_index integer`);
    await q.query(`
      CREATE TABLE IF NOT EXISTS replay_batch_jobs (
        id bigserial PRIMARY KEY,
        replay_id bigint NOT NULL REFERENCES replays(id) ON DELETE CASCADE,
        slice text NOT NULL,
        round integer NOT NULL,
        kind text NOT NULL CHECK (kind IN ('users', 'events')),
        chunk integer NOT NULL,
        job_id text,
        status text NOT NULL,
        items integer NOT NULL,
        imported integer NOT NULL DEFAULT 0,
        failed integer NOT NULL DEFAULT 0,
        error text,
        created_at timestamptz NOT NULL DEFAULT now(),
        finished_at timestamptz,
        UNIQUE (replay_id, slice, round, kind, chunk)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS replay_batch_jobs`);
    await q.query(`ALTER TABLE delivery_attempts DROP COLUMN IF EXISTS batch_index`);
    await q.query(`ALTER TABLE delivery_attempts DROP COLUMN IF EXISTS batch_job_id`);
    await q.query(`ALTER TABLE replays DROP COLUMN IF EXISTS mode`);
  }
}
