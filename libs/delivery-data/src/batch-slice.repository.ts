import type { Pool } from 'pg';
import { inTransaction, storableText } from '@fsd/platform';
import { sliceRecordParams } from './slice-record-columns';
import { ALL_PARTITIONS, LoggedAtBounds, attemptsFrom, claimBounds, loggedAtBounds } from './logged-at-bounds';
import { DeletionFloor } from './deletion-floor';
import type { DeliveryStatus } from '@fsd/platform';
import { CLAIM_SLICE, DELETED_USERS, OPEN_OF, RECORD_SLICE, RELEASE_SLICE } from './batch-slice.sql';
import { FRESH_AUDIT, LoadedDeliveryRow, loadedDelivery } from './delivery-row';
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
  /**
   * The delivery's attempt count when this run claimed it: recorded only if it is still that (another run of
   * the slice recorded it otherwise).
   */
  loadedAttempts: number;
  /** The delivery's logged_at (its partition key), as this run loaded it. */
  loggedAt: Date;
}

const RECORD_GROUP = 500;
const RECORD_LANES = 2;

/**
 * The batch replay executor's side of deliveries, delivery_attempts and delivery_state_changes: claims a slice's
 * deliveries under the slice's token, loads them, and records a slice's outcomes in groups.
 */
export class BatchSliceRepository {
  /** Bounds the deleted-user lookups to the partitions a deletion in progress can be in. */
  private readonly deletionFloor: DeletionFloor;

  constructor(private readonly pool: Pool) {
    this.deletionFloor = new DeletionFloor(pool);
  }

  /**
   * Claims what no other run holds and loads it; the rest is left to its holder. Sequential scans are off for
   * the statement: a slice's thousands of keys against a partition without statistics were joined by scanning
   * the partition (every delivery, ~0.5 s per slice of 5,000) where probing each key takes a few ms.
   */
  async claimSlice(
    deliveryIds: string[],
    token: string,
    leaseMs: number,
    loggedAtRange?: readonly [string, string],
  ): Promise<LoadedDelivery[]> {
    // A range that misses a delivery only leaves it unclaimed: the executor finds it still open and claims it with
    // its holder's claim, which looks in every partition. No range (older jobs, the slice recovery's): everywhere.
    const bounds = claimBounds((loggedAtRange ?? []).map((t) => ({ loggedAt: new Date(t) })));
    return this.claim(deliveryIds, token, leaseMs, false, bounds);
  }

  /**
   * Claims, once their holder lets go, deliveries another run (a live, retry or per-event replay job) held when the
   * slice started, whatever that run recorded: it loaded them before the replay's page, so its outcome does not
   * settle the replay (a per-event replay's job likewise runs its own episode after the run in flight).
   */
  async claimFromHolder(deliveryIds: string[], token: string, leaseMs: number): Promise<LoadedDelivery[]> {
    return this.claim(deliveryIds, token, leaseMs, true, ALL_PARTITIONS);
  }

  private async claim(ids: string[], token: string, leaseMs: number, settledToo: boolean, bounds: LoggedAtBounds) {
    const { rows } = await inTransaction(this.pool, 'BEGIN; SET LOCAL enable_seqscan = off', (client) =>
      client.query<LoadedDeliveryRow>(CLAIM_SLICE, [ids, token, leaseMs, settledToo, ...bounds, attemptsFrom(bounds)]),
    );
    // A replay re-sends every subscription: nothing counts as already delivered or failed.
    return rows.map((r) => loadedDelivery(r, FRESH_AUDIT));
  }

  /** Which of the ids are still open (pending or retrying): a slice's unclaimed ones are held by another run. */
  async openOf(deliveryIds: string[]): Promise<Set<string>> {
    if (deliveryIds.length === 0) return new Set();
    const { rows } = await this.pool.query<{ id: string }>(OPEN_OF, [deliveryIds]);
    return new Set(rows.map((r) => r.id));
  }

  async release(deliveryIds: string[], token: string): Promise<void> {
    if (deliveryIds.length > 0) await this.pool.query(RELEASE_SLICE, [deliveryIds, token]);
  }

  async deletedUsers(destinationId: string, userIds: string[]): Promise<Set<string>> {
    if (userIds.length === 0) return new Set();
    const users = [...new Set(userIds.map(storableText))];
    const floor = await this.deletionFloor.forUsers(users);
    const { rows } = await this.pool.query<{ u: string }>(DELETED_USERS, [
      destinationId,
      users,
      floor ?? ALL_PARTITIONS[0],
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
        const group = outcomes.slice(i, i + RECORD_GROUP);
        await this.pool.query(RECORD_SLICE, [...sliceRecordParams(group, token), ...loggedAtBounds(group)]);
      }
    };
    await Promise.all(Array.from({ length: RECORD_LANES }, lane));
  }
}
