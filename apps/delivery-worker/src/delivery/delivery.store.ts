import { Inject, Injectable } from '@nestjs/common';
import { Pool } from 'pg';
import { isDatabaseUnreachableError } from '@fsd/platform';
import type { AttemptDecision, AttemptErrorClass, AttemptTrigger, DeliveryStatus } from '@fsd/platform';
import { PG_POOL } from '../database/pg-pool.provider';
import { RecordBatcher } from './record-batcher';

export interface LoadedDelivery {
  id: string;
  kind: 'event' | 'deletion';
  status: DeliveryStatus;
  destinationId: string;
  createdAt: Date;
  episodeStartedAt: Date;
  episodeRuns: number;
  attempts: number;
  lastAttemptNumber: number;
  deletionUserId: string | null;
  event: Record<string, unknown> | null;
  eventReceivedAt: Date | null;
  /** Subscriptions already delivered by an earlier attempt: never sent again. */
  deliveredSubscriptions: Set<string>;
  /**
   * Subscriptions that failed permanently in the current episode (since the last replay or redrive): not sent
   * again while the event's other subscriptions are retried, and they keep the delivery from ending delivered.
   */
  failedSubscriptions: Set<string>;
  /** The error of the first of those failures (the delivery's reason when it ends failed). */
  failedReason: string | null;
}

export interface AttemptRecord {
  attemptNumber: number;
  trigger: AttemptTrigger;
  subscriptionId: string | null;
  action: string | null;
  startedAt: Date;
  finishedAt: Date;
  latencyMs: number | null;
  requestMethod: string | null;
  requestUrl: string | null;
  requestHeaders: Record<string, string> | null;
  requestBody: unknown;
  responseStatus: number | null;
  responseHeaders: Record<string, string> | null;
  responseBody: string | null;
  responseTruncated: boolean;
  errorClass: AttemptErrorClass | null;
  errorMessage: string | null;
  decision: AttemptDecision;
  retryAt: Date | null;
  skipReason: string | null;
}

/** How long a write of the audit rows is retried while Postgres cannot be reached. */
const RECORD_RETRY_MS = 120_000;

interface LoadRow {
  id: string;
  kind: 'event' | 'deletion';
  status: DeliveryStatus;
  destination_id: string;
  created_at: Date;
  episode_started_at: Date;
  episode_runs: number;
  attempts: number;
  last_attempt: number;
  deletion_user_id: string | null;
  payload: Record<string, unknown> | null;
  event_received_at: Date | null;
  delivered: string[] | null;
  failed: string[] | null;
  failed_reason: string | null;
}

/** All delivery SQL of the worker: one round trip to load, one to record an outcome. */
@Injectable()
export class DeliveryStore {
  private readonly batcher: RecordBatcher;
  private pendingLoads: { id: string; resolve: (d: LoadedDelivery | null) => void; reject: (e: unknown) => void }[] =
    [];

  constructor(@Inject(PG_POOL) private readonly pool: Pool) {
    this.batcher = new RecordBatcher(pool);
  }

  /**
   * Loads one delivery with its event and its audit summary. Loads of concurrent jobs are coalesced
   * into one query per tick (fewer round trips and plans when many jobs run at once).
   */
  load(deliveryId: string): Promise<LoadedDelivery | null> {
    return new Promise((resolve, reject) => {
      this.pendingLoads.push({ id: deliveryId, resolve, reject });
      if (this.pendingLoads.length === 1) setImmediate(() => void this.loadPending());
    });
  }

  private async loadPending(): Promise<void> {
    const batch = this.pendingLoads;
    this.pendingLoads = [];
    try {
      const byId = await this.loadMany(batch.map((b) => b.id));
      for (const b of batch) b.resolve(byId.get(b.id) ?? null);
    } catch (e) {
      for (const b of batch) b.reject(e);
    }
  }

  private async loadMany(ids: string[]): Promise<Map<string, LoadedDelivery>> {
    const episodeFailures = `FROM delivery_attempts a
                     WHERE a.delivery_id = d.id AND a.decision = 'failed_permanently' AND a.subscription_id IS NOT NULL
                       AND a.attempt_number >= COALESCE((SELECT max(e.attempt_number) FROM delivery_attempts e
                                                          WHERE e.delivery_id = d.id AND e.trigger IN ('replay', 'redrive')), 0)`;
    const { rows } = await this.pool.query<LoadRow>({
      // Named: prepared once per connection, so the partitioned join is not planned for every job.
      name: 'worker-load-deliveries',
      text: `SELECT d.id::text, d.kind, d.status, d.destination_id::text, d.created_at, d.episode_started_at, d.episode_runs, d.attempts, d.deletion_user_id,
              d.event_received_at, e.payload,
              COALESCE((SELECT max(a.attempt_number) FROM delivery_attempts a WHERE a.delivery_id = d.id), 0) AS last_attempt,
              ARRAY(SELECT DISTINCT a.subscription_id FROM delivery_attempts a
                     WHERE a.delivery_id = d.id AND a.decision = 'delivered' AND a.subscription_id IS NOT NULL) AS delivered,
              ARRAY(SELECT DISTINCT a.subscription_id ${episodeFailures}) AS failed,
              (SELECT a.error_message ${episodeFailures} ORDER BY a.id LIMIT 1) AS failed_reason
         FROM deliveries d
         LEFT JOIN events e ON e.id = d.event_id AND e.received_at = d.event_received_at
        WHERE d.id = ANY($1::bigint[])`,
      values: [[...new Set(ids)]],
    });
    const out = new Map<string, LoadedDelivery>();
    for (const r of rows) out.set(r.id, this.toLoaded(r));
    return out;
  }

  private toLoaded(r: LoadRow): LoadedDelivery {
    return {
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
      deliveredSubscriptions: new Set(r.delivered ?? []),
      failedSubscriptions: new Set(r.failed ?? []),
      failedReason: r.failed_reason,
    };
  }

  /**
   * Appends the attempts, moves the delivery to its new status and appends the state change, in one
   * statement (one transaction). The audit rows are written before the job is acknowledged to BullMQ.
   *
   * A request already sent must not go unaudited because Postgres is briefly unreachable: on a
   * connection error the write is retried (the job keeps its lock meanwhile) for up to RECORD_RETRY_MS.
   * When the failed write may have committed (the connection dropped after the statement was sent), the
   * attempt rows are looked up first, so nothing is recorded twice.
   */
  async record(
    deliveryId: string,
    attempts: AttemptRecord[],
    status: DeliveryStatus,
    reason: string | null,
    newEpisode = false,
  ): Promise<void> {
    const deadline = Date.now() + RECORD_RETRY_MS;
    for (let retry = 0; ; retry++) {
      try {
        if (retry > 0 && attempts.length > 0 && (await this.recorded(deliveryId, attempts[0].attemptNumber))) return;
        return await this.write(deliveryId, attempts, status, reason, newEpisode);
      } catch (e) {
        const delayMs = Math.min(200 * 2 ** retry, 2000);
        if (!isDatabaseUnreachableError(e) || Date.now() + delayMs > deadline) throw e;
        await new Promise((r) => setTimeout(r, delayMs));
      }
    }
  }

  private async recorded(deliveryId: string, attemptNumber: number): Promise<boolean> {
    const { rows } = await this.pool.query(
      'SELECT 1 FROM delivery_attempts WHERE delivery_id = $1 AND attempt_number = $2 LIMIT 1',
      [deliveryId, attemptNumber],
    );
    return rows.length > 0;
  }

  private write(
    deliveryId: string,
    attempts: AttemptRecord[],
    status: DeliveryStatus,
    reason: string | null,
    newEpisode: boolean,
  ): Promise<void> {
    return this.batcher.write({ deliveryId, attempts, status, reason, newEpisode });
  }

  /** Users deleted through /admin/deletions on this destination (for suppression). */
  async isDeletedUser(destinationId: string, userId: string): Promise<boolean> {
    const { rows } = await this.pool.query(
      `SELECT 1 FROM deliveries WHERE kind = 'deletion' AND destination_id = $1 AND deletion_user_id = $2 LIMIT 1`,
      [destinationId, userId],
    );
    return rows.length > 0;
  }
}
