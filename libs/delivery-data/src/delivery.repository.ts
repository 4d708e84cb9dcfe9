import type { Pool } from 'pg';
import { GroupCommit, isDatabaseUnreachableError } from '@fsd/platform';
import type { DeliveryStatus } from '@fsd/platform';
import { CLAIM_AND_LOAD, CLAIM_HOLDERS, LOAD_CLAIMED, RELEASE_CLAIM } from './delivery-load.sql';
import type { AttemptRecord, ClaimResult, DeliveryKey, LoadedDelivery } from './delivery.types';
import { RecordBatcher } from './record-batcher';
import { LoggedAtBounds, attemptsFrom, boundedFirst, claimBounds, loggedAtBounds } from './logged-at-bounds';
import { LoadedDeliveryRow, loadedDelivery } from './delivery-row';
import type { FunnelStage } from './delivery-funnel';

/**
 * Claim statements in flight at once: what arrives meanwhile waits and goes
 * in the next one. Jobs start one at a time, as BullMQ's replies come in, so a tick alone groups few of them; under
 * load this makes one statement serve many jobs, while an idle worker's first job still goes at once.
 */
const GROUPS_IN_FLIGHT = 2;

/** How long a write of the audit rows is retried while Postgres cannot be reached. */
const RECORD_RETRY_MS = 120_000;

interface LoadRow extends LoadedDeliveryRow {
  delivered: string[] | null;
  failed: string[] | null;
  failed_reason: string | null;
  claim_token: string;
  retry_job: string | null;
  stale: boolean;
}

/** What an outcome's write does besides recording it (DeliveryRepository.record). */
export interface RecordOptions {
  /** A replay or redrive started a new episode (a fresh retry budget). */
  newEpisode?: boolean;
  /** The claim this run holds: released by the same statement. */
  claimToken?: string | null;
  /** The delivery funnel's stage, when finer than the status. */
  stage?: FunnelStage | null;
  /** The job that will retry the delivery (status `retrying`): the holder of its one retry timer. */
  retryJob?: string | null;
}

interface PendingClaim {
  id: string;
  token: string;
  /** The delivery's logged_at, when its job names it. */
  loggedAt?: Date;
}

/** A claim's key among the rows a statement won: one delivery, claimed by one run's token. */
const claimKey = (id: string, token: string) => `${id}\u0000${token}`;

/**
 * The worker's side of deliveries, delivery_attempts and delivery_state_changes: one round trip to claim and load,
 * one to record an outcome. `leaseMs` is the claim's lease; the worker passes JOB_LOCK_MS, which outlasts the HTTP
 * timeout.
 */
export class DeliveryRepository {
  private readonly batcher: RecordBatcher;
  /** Claims of concurrent jobs, coalesced into one statement per tick. */
  private readonly claims = new GroupCommit<PendingClaim, ClaimResult>((batch) => this.claimMany(batch), {
    collect: 'tick',
    maxInFlight: GROUPS_IN_FLIGHT,
  });

  constructor(
    private readonly pool: Pool,
    private readonly leaseMs: number,
  ) {
    this.batcher = new RecordBatcher(pool);
  }

  /**
   * Claims one delivery for this run (token) and loads it with its event and audit summary: at most one run of
   * a delivery is in flight anywhere, whichever job carries it. Claims of concurrent jobs are coalesced into one
   * statement per tick (fewer round trips and plans when many jobs run at once). `loggedAt`, the delivery's
   * logged_at as its job names it (ISO 8601), lets the statement touch only the partitions it can be in.
   */
  claim(deliveryId: string, token: string, loggedAt?: string): Promise<ClaimResult> {
    return this.claims.submit({
      id: deliveryId,
      token,
      loggedAt: loggedAt === undefined ? undefined : new Date(loggedAt),
    });
  }

  /** Gives the claim back without an outcome (a run that ended without recording one). */
  async release(delivery: DeliveryKey, token: string): Promise<void> {
    await this.pool.query(RELEASE_CLAIM, [delivery.id, token, ...loggedAtBounds([delivery])]);
  }

  private async claimMany(batch: PendingClaim[]): Promise<ClaimResult[]> {
    // Held by another run, missing, or named with a wrong logged_at: asked again over every partition.
    const won = await boundedFirst(
      batch,
      claimBounds(batch),
      (b) => claimKey(b.id, b.token),
      (claims, bounds) => this.claimRows(claims, bounds),
    );
    const lost = batch.filter((b) => !won.has(claimKey(b.id, b.token)));
    const holders = lost.length === 0 ? new Map<string, Date | null>() : await this.holders(lost);
    return batch.map((b): ClaimResult => {
      const row = won.get(claimKey(b.id, b.token));
      if (row) return { kind: 'claimed', delivery: this.toLoaded(row) };
      return holders.has(b.id) ? { kind: 'busy', claimedUntil: holders.get(b.id) ?? null } : { kind: 'missing' };
    });
  }

  /** Claims and loads what it can of `batch` between the bounds: the rows won, by id and token. */
  private async claimRows(batch: PendingClaim[], bounds: LoggedAtBounds): Promise<Map<string, LoadRow>> {
    const { rows } = await this.pool.query<LoadRow>({
      // Named: prepared once per connection. Its plans stay custom ones (the bounds prune partitions in those).
      name: 'worker-claim-deliveries',
      text: CLAIM_AND_LOAD,
      values: [batch.map((b) => b.id), batch.map((b) => b.token), this.leaseMs, ...bounds],
    });
    // The claim returns no audit summary (see CLAIM_AND_LOAD): a delivery attempted before, or one whose row a
    // concurrent write changed, is loaded again with it.
    const needsReload = (r: LoadRow) => r.stale || r.attempts > 0;
    const reload = rows.filter(needsReload);
    const reloaded = reload.length === 0 ? [] : await this.loadClaimed(reload, attemptsFrom(bounds));
    const won = new Map<string, LoadRow>();
    for (const r of rows) if (!needsReload(r)) won.set(claimKey(r.id, r.claim_token), r);
    for (const r of reloaded) won.set(claimKey(r.id, r.claim_token), r);
    return won;
  }

  private async loadClaimed(claimed: LoadRow[], since: Date | string): Promise<LoadRow[]> {
    const { rows } = await this.pool.query<LoadRow>({
      name: 'worker-load-claimed',
      text: LOAD_CLAIMED,
      values: [claimed.map((r) => r.id), claimed.map((r) => r.claim_token), since],
    });
    return rows;
  }

  /**
   * The current claims of deliveries a claim did not win (busy, or missing): looked up between the bounds their jobs
   * name first, then over every partition for those not found there (missing, or named with a wrong logged_at).
   */
  private holders(lost: PendingClaim[]): Promise<Map<string, Date | null>> {
    const ids = [...new Set(lost.map((b) => b.id))];
    return boundedFirst(
      ids,
      claimBounds(lost),
      (id) => id,
      (some, bounds) => this.claimHolders(some, bounds),
    );
  }

  private async claimHolders(ids: string[], bounds: LoggedAtBounds): Promise<Map<string, Date | null>> {
    const { rows } = await this.pool.query<{ id: string; claimed_until: Date | null }>(CLAIM_HOLDERS, [ids, ...bounds]);
    return new Map(rows.map((r) => [r.id, r.claimed_until]));
  }

  private toLoaded(r: LoadRow): LoadedDelivery {
    return loadedDelivery(r, { delivered: r.delivered ?? [], failed: r.failed ?? [], failedReason: r.failed_reason });
  }

  /**
   * Appends the attempts, moves the delivery to its new status and appends the state change, in one
   * statement (one transaction). The audit rows are written before the job is acknowledged to BullMQ.
   *
   * A request already sent must not go unaudited because Postgres is briefly unreachable: on a
   * connection error the write is retried (the job keeps its lock meanwhile) for up to RECORD_RETRY_MS.
   * When the failed write may have committed (the connection dropped after the statement was sent), the
   * attempt rows are looked up first, so nothing is recorded twice. The same statement releases the claim
   * `claimToken` holds on the delivery, moves the delivery funnel's counters to `stage` (when finer than the
   * status), and names `retryJob` the holder of the delivery's retry timer when the status is `retrying` (any
   * other outcome clears it).
   */
  async record(
    delivery: DeliveryKey,
    attempts: AttemptRecord[],
    status: DeliveryStatus,
    reason: string | null,
    opts: RecordOptions = {},
  ): Promise<void> {
    const { newEpisode = false, claimToken = null, stage = null, retryJob = null } = opts;
    const deadline = Date.now() + RECORD_RETRY_MS;
    for (let retry = 0; ; retry++) {
      try {
        if (retry > 0 && attempts.length > 0 && (await this.recorded(delivery.id, attempts[0]))) return;
        return await this.batcher.write({
          deliveryId: delivery.id,
          loggedAt: delivery.loggedAt,
          attempts,
          status,
          reason,
          newEpisode,
          claimToken,
          stage,
          retryJob,
        });
      } catch (e) {
        const delayMs = Math.min(200 * 2 ** retry, 2000);
        if (!isDatabaseUnreachableError(e) || Date.now() + delayMs > deadline) throw e;
        await new Promise((r) => setTimeout(r, delayMs));
      }
    }
  }

  /** Whether the attempt's row is in: looked up in its started_at's partition (by id alone, every partition). */
  private async recorded(deliveryId: string, attempt: AttemptRecord): Promise<boolean> {
    const { rows } = await this.pool.query(
      'SELECT 1 FROM delivery_attempts WHERE delivery_id = $1 AND attempt_number = $2 AND started_at = $3 LIMIT 1',
      [deliveryId, attempt.attemptNumber, attempt.startedAt],
    );
    return rows.length > 0;
  }
}
