import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { randomUUID } from 'crypto';
import { hostname } from 'os';
import {
  BATCH_SLICE_PAGE_CLAIM_MS,
  batchSliceClaimToken,
  deliveryGroupJobId,
  deliveryJobId,
  isDatabaseUnreachableError,
  isRedisUnavailableError,
} from '@fsd/platform';
import { INGEST_CONFIG, IngestConfig } from '../../core/config/ingest.config';
import { messageOf } from '../../core/errors/message-of';
import { DeliveryEnqueuer } from '../../ingest/outbox/delivery-enqueuer.service';
import { QueueRegistry } from '../../core/queue/queue-registry.service';
import { LogPosition, decodeCursor, encodeCursor } from '../common/keyset-cursor';
import { enqueueBatchSlice, sliceKey } from './batch-slices';
import { ReplaySliceRepository } from './replay-slices.repository';
import { replayJobSuffix } from './replay-jobs';
import { ReplayReadsRepository } from './replay-reads.repository';
import { ReplayRow } from './replay.store';
import { ReplaysRepository } from './replays.repository';
import { TokenBucket } from './token-bucket';

const MAX_PAGE = 1000;
const LEASE_MS = 60_000;
const SCAN_MS = 5_000;
/** How often the delivered / failed counts stored on recent replays are brought up to date (the list reads them). */
const PROGRESS_MS = 15_000;
const MAX_CONSECUTIVE_ERRORS = 20;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Runs replays in the background: walks the event log with a keyset cursor one page at a time
 * (bounded memory whatever the replay's size), enqueues a replay job per matching event at the
 * replay's rate, and persists the cursor after each page. A replay is held by one ingest-api
 * instance at a time through a lease renewed every page; 'running' replays whose lease lapsed (a
 * restart, a crashed instance) are picked up again by the periodic scan and resume at their cursor.
 */
@Injectable()
export class ReplayRunner implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('ReplayRunner');
  private readonly owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private readonly active = new Map<string, Promise<void>>();
  private timer?: NodeJS.Timeout;
  private progressTimer?: NodeJS.Timeout;
  private stopping = false;

  constructor(
    private readonly replays: ReplaysRepository,
    private readonly reads: ReplayReadsRepository,
    private readonly queues: QueueRegistry,
    private readonly enqueuer: DeliveryEnqueuer,
    private readonly slices: ReplaySliceRepository,
    @Inject(INGEST_CONFIG) private readonly config: IngestConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.scan(), SCAN_MS);
    this.timer.unref();
    this.progressTimer = setInterval(() => void this.refreshProgress(), PROGRESS_MS);
    this.progressTimer.unref();
    void this.scan();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearInterval(this.timer);
    if (this.progressTimer) clearInterval(this.progressTimer);
    await Promise.all(this.active.values());
    // Hand the leases back so another instance (or this one, restarted) resumes at once.
    // The leases lapse on their own (LEASE_MS) if this fails: logged, not thrown, so shutdown goes on.
    await this.replays
      .releaseAll(this.owner)
      .catch((e) => this.logger.warn(`replay leases not handed back (they lapse): ${messageOf(e)}`));
  }

  /** Starts running replays nobody holds. */
  async scan(): Promise<void> {
    if (this.stopping) return;
    try {
      for (const id of await this.replays.unheld(this.owner)) this.kick(id);
    } catch (e) {
      this.logger.warn(`replay scan failed, will retry: ${messageOf(e)}`);
    }
  }

  /** Stored counts only (GET /admin/replays/:id counts live): a failure is logged and the next round retries. */
  async refreshProgress(): Promise<void> {
    if (this.stopping) return;
    try {
      await this.replays.refreshStoredProgress();
    } catch (e) {
      this.logger.warn(`replay progress not refreshed, will retry: ${messageOf(e)}`);
    }
  }

  /** Runs the replay here unless it already runs here. */
  kick(id: string): void {
    if (this.stopping || this.active.has(id)) return;
    const run = this.run(id)
      .catch((e: Error) => this.logger.error(`replay ${id} stopped: ${e.message}`))
      .finally(() => this.active.delete(id));
    this.active.set(id, run);
  }

  isActive(id: string): boolean {
    return this.active.has(id);
  }

  /** Takes or renews the lease; null when the replay is no longer running or another instance holds it. */
  private claim(id: string): Promise<ReplayRow | null> {
    return this.replays.claim(id, this.owner, LEASE_MS);
  }

  /**
   * Paused or cancelled: hands the lease back at once, so a resume on any instance picks the replay up
   * without waiting for the lease to lapse (and "no lease" tells that nothing works on it any more).
   */
  private async release(id: string): Promise<void> {
    await this.replays.release(id, this.owner);
  }

  private async run(id: string): Promise<void> {
    let bucket: TokenBucket | undefined;
    let errors = 0;
    while (!this.stopping) {
      let replay: ReplayRow | null;
      try {
        replay = await this.claim(id);
      } catch (e) {
        if (++errors > MAX_CONSECUTIVE_ERRORS) throw e;
        await sleep(Math.min(30_000, 250 * 2 ** errors));
        continue;
      }
      if (!replay) return this.release(id);
      try {
        if (replay.matched === null) {
          await this.replays.setMatched(id, await this.reads.countMatching(replay.destination_id, replay.filter));
        }
        bucket ??= new TokenBucket(replay.rate_per_second);
        // A batch slice is one page: larger pages make fewer, fuller FullStory jobs.
        const maxPage = replay.mode === 'batch' ? this.config.replayBatchSlice : MAX_PAGE;
        const size = Math.max(1, Math.min(maxPage, replay.rate_per_second));
        await bucket.take(size);
        const after: LogPosition | undefined = replay.cursor ? decodeCursor(replay.cursor) : undefined;
        const claim =
          replay.mode === 'batch'
            ? { token: batchSliceClaimToken(id, sliceKey(replay.cursor)), leaseMs: BATCH_SLICE_PAGE_CLAIM_MS }
            : undefined;
        const page = await this.replays.claimPage(replay, after, size, claim);
        if (page.deliveryIds.length > 0 && replay.mode === 'batch') {
          await enqueueBatchSlice(this.slices, this.queues, replay, page.deliveryIds, page.loggedAts);
        } else if (page.deliveryIds.length > 0) {
          await this.enqueuer.enqueueReplay(
            page.deliveryIds.map((deliveryId, i) => ({
              deliveryId,
              loggedAt: page.loggedAts[i],
              destinationId: replay.destination_id,
              attemptsBefore: page.attempts[i],
            })),
            id,
          );
        }
        const done = page.deliveryIds.length < size;
        await this.replays.advance(id, page.last ? encodeCursor(page.last) : null, done);
        errors = 0;
        if (done) {
          this.logger.log(`replay ${id} has enqueued everything it matched`);
          return;
        }
      } catch (e) {
        errors += 1;
        // Postgres or Redis out of reach, or a deadlock (40P01) with a concurrent outcome write of the page's
        // deliveries: the page is claimed again.
        const transient = isDatabaseUnreachableError(e) || isRedisUnavailableError(e);
        if (!transient || errors > MAX_CONSECUTIVE_ERRORS) {
          // The run's own error is what gets thrown; a failure to record it is logged beside it.
          await this.replays
            .fail(id, messageOf(e))
            .catch((f) => this.logger.warn(`replay ${id}: failure not recorded: ${messageOf(f)}`));
          throw e;
        }
        this.logger.warn(`replay ${id}: page failed, will retry: ${messageOf(e)}`);
        await sleep(Math.min(30_000, 250 * 2 ** errors));
      }
    }
  }

  /**
   * After a cancel: removes the replay's jobs that have not run yet, its group jobs `g<id>-r<replay>` and jobs
   * per delivery `d<id>-r<replay>` (best effort; a job already running finishes). Their deliveries are then resolved
   * by the outbox relay like any open delivery (a removed group job's index entries are stale: the relay drops them).
   */
  async purgeQueued(replay: { id: string; destinationId: string }): Promise<number> {
    const queue = this.queues.forDestination(replay.destinationId);
    let after = '0';
    let removed = 0;
    for (;;) {
      const ids = await this.reads.deliveryIdsAfter(replay.id, after, 500);
      if (ids.length === 0) return removed;
      const suffix = replayJobSuffix(replay.id);
      const results = await Promise.all(
        ids.flatMap((id) =>
          [deliveryJobId(id, suffix), deliveryGroupJobId(id, suffix)].map((jobId) =>
            queue.remove(jobId).catch(() => 0),
          ),
        ),
      );
      removed += results.filter((n) => n === 1).length;
      after = ids[ids.length - 1];
    }
  }
}
