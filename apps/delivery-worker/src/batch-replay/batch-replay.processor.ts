import { funnelStageOf } from '../delivery/funnel-stage';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { BatchKind } from '@fsd/fullstory-contracts';
import { type BatchReplayJobData, batchSliceClaimToken } from '@fsd/platform';
import { WORKER_CONFIG, WorkerConfig } from '../config/worker.config';
import { BatchSliceRepository, type LoadedDelivery, type SliceOutcome } from '@fsd/delivery-data';
import { userToCheck } from '../delivery/plan';
import { DestinationCache, LoadedDestination } from '../destinations/destination-cache.service';
import { identitiesToCheck } from '../suppression/identities';
import { SuppressionService } from '../suppression/suppression.service';
import { BatchReplayStore } from '../data/batch-replay.repository';
import { ReplayGate } from './replay-gate';
import { ItemAttempt, sliceOutcomes } from './slice-outcomes';
import { SliceItem, SlicePlan, planSlice } from './slice-plan';
import { RoundContext, SliceSender } from './slice-sender';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** How long a slice waits for deliveries another run holds (a live job of the same event) before leaving them. */
const BUSY_WAIT_MS = 30_000;

/** What an outcome's write needs of the delivery as this run claimed it (SliceOutcome's). */
type LoadedKey = Pick<SliceOutcome, 'loadedAttempts' | 'loggedAt'>;

export interface SliceResult {
  status: 'done' | 'stopped' | 'no destination';
  recorded: number;
  /** Deliveries another run held throughout: left to it. */
  busy: number;
}

/**
 * Runs one slice of a batch-mode replay: claims its deliveries, plans them with live delivery's planner, sends
 * the users job(s) to the end, then the events job(s), and the rest one by one; items that failed for a transient
 * reason go again in a later round (a new job); then records every delivery's rows and status at once.
 */
@Injectable()
export class BatchReplayProcessor {
  private readonly logger = new Logger(BatchReplayProcessor.name);

  constructor(
    @Inject(WORKER_CONFIG) private readonly config: WorkerConfig,
    private readonly store: BatchReplayStore,
    private readonly slices: BatchSliceRepository,
    private readonly destinations: DestinationCache,
    private readonly suppression: SuppressionService,
    private readonly sender: SliceSender,
  ) {}

  async process(data: BatchReplayJobData): Promise<SliceResult> {
    // The slice's own token (see CLAIM_SLICE), which the runner's page claimed the deliveries with: a re-run
    // after a crash does not wait for its own lease to lapse.
    const token = batchSliceClaimToken(data.replayId, data.slice);
    const gate = new ReplayGate(() => this.store.replayStatus(data.replayId));
    // Paused or cancelled before it began: the page's claims are given back (the outbox relay serves a cancelled
    // replay's deliveries; a resumed slice claims them again).
    if (!(await gate.mayContinue())) {
      await this.slices.release(data.deliveryIds, token);
      return { status: 'stopped', recorded: 0, busy: 0 };
    }
    const destination = await this.destinations.get(data.destinationId);
    if (!destination) {
      await this.slices.release(data.deliveryIds, token);
      return { status: 'no destination', recorded: 0, busy: 0 };
    }
    const { plan, loaded } = await this.claimAndPlan(data, token, destination);
    const unrecorded = new Set(loaded.keys());
    // Every outcome is of a delivery this run claimed (the plan is made of them).
    const asLoaded = (id: string): LoadedKey => {
      const key = loaded.get(id);
      if (!key) throw new Error(`batch replay: an outcome of delivery ${id}, which this run did not claim`);
      return key;
    };
    try {
      await this.slices.record(
        plan.settled.map((s) => ({
          ...s,
          attempts: s.attempts.map((a) => ({ ...a, batchJobId: null, batchIndex: null })),
          stage: funnelStageOf(s),
          ...asLoaded(s.deliveryId),
        })),
        token,
      );
      for (const s of plan.settled) unrecorded.delete(s.deliveryId);

      const attempts: ItemAttempt[] = [];
      let pending = plan.items;
      let stopped = false;
      const rounds = this.config.batchReplay.maxRounds;
      for (let round = 0; round < rounds && pending.length > 0 && !stopped; round++) {
        const ctx: RoundContext = {
          replayId: data.replayId,
          slice: data.slice,
          round,
          last: round === rounds - 1,
          destination,
        };
        const retry: SliceItem[] = [];
        // Users before events: a slice's events land on users that exist.
        for (const kind of ['users', 'events'] as BatchKind[]) {
          const items = pending.filter((i) => i.kind === kind);
          const size = this.config.batchReplay.maxItemsPerJob;
          for (let start = 0, chunk = 0; start < items.length && !stopped; start += size, chunk++) {
            if (!(await gate.mayContinue())) stopped = true;
            else {
              const r = await this.sender.runJob(ctx, kind, items.slice(start, start + size), chunk);
              attempts.push(...r.attempts);
              retry.push(...r.retry);
            }
          }
        }
        const singles = pending.filter((i) => i.kind === 'single');
        if (singles.length > 0 && !stopped && (await gate.mayContinue())) {
          for (const r of await Promise.all(singles.map((i) => this.sender.sendSingle(ctx, i)))) {
            attempts.push(...r.attempts);
            retry.push(...r.retry);
          }
        } else if (singles.length > 0) stopped = true;
        pending = retry;
      }
      // A delivery nothing was sent for (cancelled first) keeps its row untouched; its claim is given back.
      const outcomes = sliceOutcomes(plan.items, attempts, plan.validationFailures).filter(
        (o) => o.attempts.length > 0,
      );
      await this.slices.record(
        outcomes.map((o) => ({ ...o, stage: funnelStageOf(o), ...asLoaded(o.deliveryId) })),
        token,
      );
      for (const o of outcomes) unrecorded.delete(o.deliveryId);
      return {
        status: stopped ? 'stopped' : 'done',
        recorded: loaded.size,
        busy: data.deliveryIds.length - loaded.size,
      };
    } finally {
      await this.slices.release([...unrecorded], token).catch((e: Error) => {
        this.logger.warn(`replay ${data.replayId}: could not release claims (they expire): ${e.message}`);
      });
    }
  }

  /**
   * Claims and plans the slice. The loaded deliveries (their events) are dropped once planned: only the plan's
   * requests and each delivery's attempt count and logged_at are held while the slice's jobs run (memory per slice
   * in flight).
   */
  private async claimAndPlan(
    data: BatchReplayJobData,
    token: string,
    destination: LoadedDestination,
  ): Promise<{ plan: SlicePlan; loaded: Map<string, LoadedKey> }> {
    const deliveries = await this.claim(data.deliveryIds, token, data.loggedAtRange);
    try {
      const blocked = await this.deletedOrSuppressed(deliveries, destination);
      const plan = planSlice(deliveries, destination, blocked, new Date());
      return {
        plan,
        loaded: new Map(deliveries.map((d) => [d.id, { loadedAttempts: d.attempts, loggedAt: d.loggedAt }])),
      };
    } catch (e) {
      // Claimed but not planned: the claims go back at once (they would expire), then the slice fails (retried).
      await this.slices
        .release(
          deliveries.map((d) => d.id),
          token,
        )
        .catch((r: Error) => this.logger.warn(`batch replay: could not release claims (they expire): ${r.message}`));
      throw e;
    }
  }

  /**
   * Claims the slice's open deliveries. Those another run holds are claimed once it lets go, whatever it recorded
   * (it loaded them before the replay's page, so they are still owed a send), waiting for up to BUSY_WAIT_MS;
   * still held then, they are left to that run (logged). Deliveries no longer open at the start were recorded by
   * an earlier run of this slice: skipped. The first claim looks only between the job's logged_at bounds; a delivery
   * they missed is still open, so it is taken as held and claimed by the holder's claim, which looks everywhere.
   */
  private async claim(ids: string[], token: string, loggedAtRange?: [string, string]): Promise<LoadedDelivery[]> {
    const lease = this.config.batchReplay.claimLeaseMs;
    const got = await this.slices.claimSlice(ids, token, lease, loggedAtRange);
    const deadline = Date.now() + BUSY_WAIT_MS;
    // A set: a slice is thousands of deliveries, and a scan per id was quadratic (most of the claim's CPU).
    const claimed = new Set(got.map((d) => d.id));
    let held = await this.stillOpen(ids.filter((id) => !claimed.has(id)));
    while (held.length > 0 && Date.now() < deadline) {
      await sleep(500);
      const more = await this.slices.claimFromHolder(held, token, lease);
      got.push(...more);
      const have = new Set(more.map((d) => d.id));
      held = held.filter((id) => !have.has(id));
    }
    if (held.length > 0)
      this.logger.warn(`batch replay: ${held.length} deliveries held by another run were left to it`);
    return got;
  }

  private async stillOpen(ids: string[]): Promise<string[]> {
    if (ids.length === 0) return ids;
    const open = await this.slices.openOf(ids);
    return ids.filter((id) => open.has(id));
  }

  /** Deliveries whose user was deleted (on this destination) or erased (suppression list): not sent. */
  private async deletedOrSuppressed(
    deliveries: LoadedDelivery[],
    destination: LoadedDestination,
  ): Promise<Set<string>> {
    const users = new Map<string, string>();
    for (const d of deliveries) {
      const u = userToCheck(d, destination);
      if (u !== null) users.set(d.id, u);
    }
    // Both lookups at once: each is a round trip, independent of the other.
    const [deleted, suppressed] = await Promise.all([
      this.slices.deletedUsers(destination.id, [...users.values()]),
      Promise.all(deliveries.map((d) => this.suppression.isSuppressed(identitiesToCheck(d, destination)))),
    ]);
    const out = new Set<string>();
    deliveries.forEach((d, i) => {
      const u = users.get(d.id);
      if (suppressed[i] || (u !== undefined && deleted.has(u))) out.add(d.id);
    });
    return out;
  }
}
