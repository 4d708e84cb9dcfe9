import { Inject, Injectable } from '@nestjs/common';
import { Pool } from 'pg';
import { inTransaction } from '@fsd/platform';
import { READ_POOL } from '../../core/database/read-pool.provider';
import { EVENT_COLUMNS, EventRow } from '../common/audit.views';
import { whereClause } from '../common/event-filter';
import { SqlParams } from '../common/sql-params';
import { StoredReplayFilter } from './replay.dto';
import { replayConditions, replayDeliveriesInWindow } from './replay.store';

export interface ReplayProgress {
  delivered: number;
  failed: number;
  skipped: number;
  inFlight: number;
}

/** What a progress count needs of a replay: its id and the window its filter bounds (fixed when it is created). */
export interface ReplayWindow {
  id: string;
  filter: Pick<StoredReplayFilter, 'from' | 'to'>;
}

export interface BatchProgress {
  jobs: number;
  jobsRunning: number;
  imported: number;
  itemErrors: number;
}

/** What replays read and never write: the selection (dry run, matched), the destination, progress. Read pool. */
@Injectable()
export class ReplayReadsRepository {
  constructor(@Inject(READ_POOL) private readonly pool: Pool) {}

  async destinationExists(destinationId: string): Promise<boolean> {
    const { rowCount } = await this.pool.query('SELECT 1 FROM destinations WHERE id = $1::uuid', [destinationId]);
    return (rowCount ?? 0) > 0;
  }

  /** The sources connected to the destination now. */
  async connectedSourceIds(destinationId: string): Promise<string[]> {
    const { rows } = await this.pool.query<{ source_id: string }>(
      'SELECT source_id::text AS source_id FROM destination_sources WHERE destination_id = $1::uuid',
      [destinationId],
    );
    return rows.map((r) => r.source_id);
  }

  /** The actions of the destination's enabled mappings (its presets are all v2). */
  async subscribedActions(destinationId: string): Promise<string[]> {
    const { rows } = await this.pool.query<{ action: string }>(
      'SELECT DISTINCT action FROM mappings WHERE destination_id = $1::uuid AND enabled',
      [destinationId],
    );
    return rows.map((r) => r.action);
  }

  async countMatching(destinationId: string, f: StoredReplayFilter): Promise<number> {
    const p = new SqlParams();
    const { rows } = await this.pool.query<{ n: string }>(
      `SELECT count(*)::text AS n FROM events e WHERE ${whereClause(replayConditions(destinationId, f, p))}`,
      p.values,
    );
    return Number(rows[0].n);
  }

  async sampleMatching(destinationId: string, f: StoredReplayFilter, limit: number): Promise<EventRow[]> {
    const p = new SqlParams();
    const { rows } = await this.pool.query<EventRow>(
      `SELECT ${EVENT_COLUMNS} FROM events e WHERE ${whereClause(replayConditions(destinationId, f, p))}
        ORDER BY e.received_at, e.id LIMIT ${p.add(limit)}`,
      p.values,
    );
    return rows;
  }

  /**
   * Where the replay's deliveries stand now, from their statuses: a count over all of them (see
   * ReplayProgressCache). In one backend: Postgres' parallel plan built the whole hash of the replay's deliveries
   * in every worker, three times the CPU for the same count, taken from the replay it measures. Read in the
   * partitions of the replay's window alone (replayDeliveriesInWindow).
   */
  async progressOf(replay: ReplayWindow): Promise<ReplayProgress> {
    const { rows } = await inTransaction(
      this.pool,
      'BEGIN READ ONLY; SET LOCAL max_parallel_workers_per_gather = 0',
      (client) =>
        client.query<{ delivered: string; failed: string; skipped: string; in_flight: string }>(
          `SELECT count(*) FILTER (WHERE d.status = 'delivered')::text AS delivered,
                count(*) FILTER (WHERE d.status = 'failed')::text AS failed,
                count(*) FILTER (WHERE d.status = 'skipped')::text AS skipped,
                count(*) FILTER (WHERE d.status IN ('pending', 'retrying'))::text AS in_flight
           FROM ${replayDeliveriesInWindow('$1::bigint', '$2', '$3')}`,
          [replay.id, replay.filter.from, replay.filter.to],
        ),
    );
    const r = rows[0];
    return {
      delivered: Number(r.delivered),
      failed: Number(r.failed),
      skipped: Number(r.skipped),
      inFlight: Number(r.in_flight),
    };
  }

  /** Where a batch replay's FullStory jobs stand (replay_batch_jobs, written by the worker). */
  async batchProgressOf(replayId: string): Promise<BatchProgress> {
    const { rows } = await this.pool.query<{ jobs: string; running: string; imported: string; failed: string }>(
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

  /** The replay's deliveries after `after`, in id order (`limit` at a time). */
  async deliveryIdsAfter(replayId: string, after: string, limit: number): Promise<string[]> {
    const { rows } = await this.pool.query<{ id: string }>(
      `SELECT delivery_id::text AS id FROM replay_deliveries WHERE replay_id = $1::bigint AND delivery_id > $2::bigint
        ORDER BY delivery_id LIMIT $3`,
      [replayId, after, limit],
    );
    return rows.map((r) => r.id);
  }
}
