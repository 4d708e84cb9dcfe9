/** The batch executor's statements on its own table, replay_batch_jobs. */

/** A job created (or found again through its Idempotency-Key after a restart). */
export const UPSERT_JOB = `
INSERT INTO replay_batch_jobs (replay_id, slice, round, kind, chunk, job_id, status, items)
VALUES ($1::bigint, $2, $3, $4, $5, $6, $7, $8)
ON CONFLICT (replay_id, slice, round, kind, chunk)
DO UPDATE SET job_id = EXCLUDED.job_id, status = EXCLUDED.status, items = EXCLUDED.items, finished_at = NULL, error = NULL`;

export const FINISH_JOB = `
UPDATE replay_batch_jobs SET status = $6, imported = $7, failed = $8, error = $9, finished_at = now()
 WHERE replay_id = $1::bigint AND slice = $2 AND round = $3 AND kind = $4 AND chunk = $5`;
