import { Inject, Injectable } from '@nestjs/common';
import { Pool } from 'pg';
import { storableText } from '@fsd/platform';
import type { BatchKind } from '@fsd/fullstory-contracts';
import { PG_POOL } from './pg-pool.provider';
import { FINISH_JOB, UPSERT_JOB } from './batch-replay.sql';

export interface JobKey {
  replayId: string;
  slice: string;
  round: number;
  kind: BatchKind;
  chunk: number;
}

/**
 * The batch executor's own SQL: the one writer of replay_batch_jobs, and the replay's status for its gate. Its
 * writes of deliveries and their audit are @fsd/delivery-data's BatchSliceRepository.
 */
@Injectable()
export class BatchReplayStore {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  async replayStatus(replayId: string): Promise<string | null> {
    const { rows } = await this.pool.query<{ status: string }>('SELECT status FROM replays WHERE id = $1::bigint', [
      replayId,
    ]);
    return rows[0]?.status ?? null;
  }

  async jobCreated(key: JobKey, jobId: string | null, status: string, items: number): Promise<void> {
    await this.pool.query(UPSERT_JOB, [key.replayId, key.slice, key.round, key.kind, key.chunk, jobId, status, items]);
  }

  async jobFinished(
    key: JobKey,
    status: string,
    imported: number,
    failed: number,
    error: string | null,
  ): Promise<void> {
    await this.pool.query(FINISH_JOB, [
      key.replayId,
      key.slice,
      key.round,
      key.kind,
      key.chunk,
      status,
      imported,
      failed,
      error === null ? null : storableText(error).slice(0, 2000),
    ]);
  }
}
