import { createHash } from 'crypto';
import { Pool } from 'pg';
import { BATCH_REPLAY_JOB_OPTIONS, BATCH_REPLAY_QUEUE, BatchReplayJobData, batchReplayJobId } from '@fsd/platform';
import { QueueRegistry } from '../../core/queue/queue-registry.service';

/**
 * A page of a batch-mode replay's walk becomes one slice job for the worker's batch executor. The slice's key
 * comes from the cursor the page started at: a page claimed again after a crash (the cursor had not moved yet)
 * is the same slice, and BullMQ keeps one job per id.
 */
export function sliceKey(startCursor: string | null): string {
  return createHash('sha256')
    .update(startCursor ?? 'start')
    .digest('hex')
    .slice(0, 24);
}

export async function enqueueBatchSlice(
  queues: QueueRegistry,
  replay: { id: string; destination_id: string; cursor: string | null },
  deliveryIds: string[],
): Promise<void> {
  const slice = sliceKey(replay.cursor);
  const data: BatchReplayJobData = { replayId: replay.id, destinationId: replay.destination_id, slice, deliveryIds };
  await queues
    .byName(BATCH_REPLAY_QUEUE)
    .add('slice', data, { ...BATCH_REPLAY_JOB_OPTIONS, jobId: batchReplayJobId(replay.id, slice) });
}

export interface BatchProgress {
  jobs: number;
  jobsRunning: number;
  imported: number;
  itemErrors: number;
}

/** Where a batch replay's FullStory jobs stand (replay_batch_jobs, written by the worker). */
export async function batchProgressOf(pool: Pool, replayId: string): Promise<BatchProgress> {
  const { rows } = await pool.query<{ jobs: string; running: string; imported: string; failed: string }>(
    `SELECT count(*)::text AS jobs, count(*) FILTER (WHERE status = 'PROCESSING')::text AS running,
            COALESCE(sum(imported), 0)::text AS imported, COALESCE(sum(failed), 0)::text AS failed
       FROM replay_batch_jobs WHERE replay_id = $1::bigint`,
    [replayId],
  );
  const r = rows[0];
  return {
    jobs: Number(r.jobs),
    jobsRunning: Number(r.running),
    imported: Number(r.imported),
    itemErrors: Number(r.failed),
  };
}
