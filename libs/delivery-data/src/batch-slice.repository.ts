import type { Pool } from 'pg';
import { storableText, storableTextOrNull } from '@fsd/platform';
import type { DeliveryStatus } from '@fsd/platform';
import { CLAIM_SLICE, DELETED_USERS, RECORD_SLICE, RELEASE_SLICE } from './batch-slice.sql';
import type { AttemptRecord, LoadedDelivery } from './delivery.types';

/** An audit row of a batch replay: the job that carried the item and the item's index in it. */
export interface BatchAttemptRecord extends AttemptRecord {
  batchJobId: string | null;
  batchIndex: number | null;
}

/** A delivery's outcome in a slice: its new status and its audit rows. */
export interface SliceOutcome {
  deliveryId: string;
  status: DeliveryStatus;
  reason: string | null;
  attempts: BatchAttemptRecord[];
  /** Where the delivery stopped in the funnel, as the worker names it (null or absent: from the status). */
  stage?: string | null;
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
const RECORD_LANES = 2;

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

/**
 * The batch replay executor's side of deliveries, delivery_attempts and delivery_state_changes: claims a slice's
 * deliveries under the slice's token, loads them, and records a slice's outcomes in groups.
 */
export class BatchSliceRepository {
  constructor(private readonly pool: Pool) {}

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
    let next = 0;
    // Two groups in flight: a group's statement waits on Postgres most of its time, and groups touch disjoint rows.
    const lane = async () => {
      for (let i = next; i < outcomes.length; i = next) {
        next += RECORD_GROUP;
        const group = outcomes.slice(i, i + RECORD_GROUP).map((o) => ({
          d: o.deliveryId,
          s: o.status,
          r: storableTextOrNull(o.reason),
          n: o.attempts.length,
          a: o.attempts.map(storableAttempt),
          // The worker names the funnel stage (skip reason, mapping error); null: from the status.
          g: o.stage ?? null,
        }));
        await this.pool.query(RECORD_SLICE, [JSON.stringify(group), token]);
      }
    };
    await Promise.all(Array.from({ length: RECORD_LANES }, lane));
  }
}
