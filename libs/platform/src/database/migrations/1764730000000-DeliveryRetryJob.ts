import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 18: one retry timer per delivery. A delivery's retries are BullMQ backoffs of the job that failed; when a
 * replay or a redrive ran while another job of the same delivery was waiting for its retry, both jobs kept
 * retrying. `retry_job` names the job that holds the delivery's timer (set when an outcome is `retrying`,
 * cleared by any other outcome): a retry of any other job finds itself superseded and ends without sending, and
 * the worker removes the superseded timer as soon as another job's outcome is recorded. Existing rows keep
 * NULL (no owner known: their retries run as before).
 */
export class DeliveryRetryJob1764730000000 implements MigrationInterface {
  name = 'DeliveryRetryJob1764730000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE deliveries ADD COLUMN IF NOT EXISTS retry_job text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE deliveries DROP COLUMN IF EXISTS retry_job`);
  }
}
