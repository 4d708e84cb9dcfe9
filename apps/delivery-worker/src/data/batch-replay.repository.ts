import { Inject, Injectable } from '@nestjs/common';
import { Pool } from 'pg';
import { storableText, storableTextOrNull } from '@fsd/platform';
import type { DeliveryStatus } from '@fsd/platform';
import type { BatchKind } from '@fsd/fullstory-contracts';
import { PG_POOL } from './pg-pool.provider';
import type { AttemptRecord, LoadedDelivery } from '@fsd/delivery-data';
import { funnelStageOf } from '../delivery/funnel-stage';
import { CLAIM_SLICE, DELETED_USERS, FINISH_JOB, RECORD_SLICE, RELEASE_SLICE, UPSERT_JOB } from './batch-replay.sql';

/** An audit row of a batch replay: the job that carried the item and the item's index in it. */
export interface BatchAttemptRecord extends AttemptRecord {
  batchJobId: string | null;
  batchIndex: number | null;
}

export interface SliceOutcome {
  deliveryId: string;
  status: DeliveryStatus;
  reason: string | null;
  attempts: BatchAttemptRecord[];
}

export interface JobKey {
  replayId: string;
  slice: string;
  round: number;
  kind: BatchKind;
  chunk: number;
}

interface SliceRow {
  id: string;
  kind: 'event' | 'deletion';
  status: DeliveryStatus;
  destination_id: string;
  created_at: Date;
  episode_started_at: Date;
  episode_runs: number;
  attempts: number;
  deletion_user_id: string | null;
  event_received_at: Date | null;
  payload: Record<string, unknown> | null;
  last_attempt: string;
}

const RECORD_GROUP = 500;

function storableAttempt(a: BatchAttemptRecord) {
  return {
    ...a,
    subscriptionId: storableTextOrNull(a.subscriptionId),
    action: storableTextOrNull(a.action),
    requestUrl: storableTextOrNull(a.requestUrl),
    requestBody: undefined,
    // As JSON text inside a string: json_to_recordset cannot de-escape \u0000 in a json field, the json cast can.
    requestBodyText: a.requestBody == null ? null : JSON.stringify(a.requestBody),
    responseBody: storableTextOrNull(a.responseBody),
    errorMessage: storableTextOrNull(a.errorMessage),
    skipReason: storableTextOrNull(a.skipReason),
  };
}

/** All SQL of the batch executor; the one writer of replay_batch_jobs. */
@Injectable()
export class BatchReplayStore {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  async replayStatus(replayId: string): Promise<string | null> {
    const { rows } = await this.pool.query<{ status: string }>('SELECT status FROM replays WHERE id = $1::bigint', [
      replayId,
    ]);
    return rows[0]?.status ?? null;
  }

  /** Claims what no other run holds and loads it; the rest is left to its holder. */
  async claimSlice(deliveryIds: string[], token: string, leaseMs: number): Promise<LoadedDelivery[]> {
    const { rows } = await this.pool.query<SliceRow>(CLAIM_SLICE, [deliveryIds, token, leaseMs]);
    return rows.map((r) => ({
      id: r.id,
      kind: r.kind,
      status: r.status,
      destinationId: r.destination_id,
      createdAt: r.created_at,
      episodeStartedAt: r.episode_started_at,
      episodeRuns: r.episode_runs,
      attempts: r.attempts,
      lastAttemptNumber: Number(r.last_attempt),
      deletionUserId: r.deletion_user_id,
      event: r.payload,
      eventReceivedAt: r.event_received_at,
      // A replay re-sends every subscription: nothing counts as already delivered or failed.
      deliveredSubscriptions: new Set<string>(),
      failedSubscriptions: new Set<string>(),
      failedReason: null,
    }));
  }

  async release(deliveryIds: string[], token: string): Promise<void> {
    if (deliveryIds.length > 0) await this.pool.query(RELEASE_SLICE, [deliveryIds, token]);
  }

  async deletedUsers(destinationId: string, userIds: string[]): Promise<Set<string>> {
    if (userIds.length === 0) return new Set();
    const { rows } = await this.pool.query<{ u: string }>(DELETED_USERS, [
      destinationId,
      [...new Set(userIds.map(storableText))],
    ]);
    return new Set(rows.map((r) => r.u));
  }

  /** Writes outcomes in groups, each in one statement (one transaction), releasing this run's claims. */
  async record(outcomes: SliceOutcome[], token: string): Promise<void> {
    for (let i = 0; i < outcomes.length; i += RECORD_GROUP) {
      const group = outcomes.slice(i, i + RECORD_GROUP).map((o) => ({
        d: o.deliveryId,
        s: o.status,
        r: storableTextOrNull(o.reason),
        n: o.attempts.length,
        a: o.attempts.map(storableAttempt),
        g: funnelStageOf(o),
      }));
      await this.pool.query(RECORD_SLICE, [JSON.stringify(group), token]);
    }
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
