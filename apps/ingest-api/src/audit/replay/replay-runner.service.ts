import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { randomUUID } from 'crypto';
import { hostname } from 'os';
import {
  BATCH_SLICE_PAGE_CLAIM_MS,
  batchSliceClaimToken,
  deliveryJobId,
  isDatabaseUnreachableError,
} from '@fsd/platform';
import { Pool } from 'pg';
import { READ_POOL } from '../../core/database/read-pool.provider';
import { INGEST_CONFIG, IngestConfig } from '../../core/config/ingest.config';
import { messageOf } from '../../core/errors/message-of';
import { DeliveryEnqueuer } from '../../ingest/outbox/delivery-enqueuer.service';
import { QueueRegistry } from '../../core/queue/queue-registry.service';
import { LogPosition, decodeCursor, encodeCursor } from '../common/keyset-cursor';
import { enqueueBatchSlice, sliceKey } from './batch-slices';
import { ReplaySliceRepository } from './replay-slices.repository';
import { replayJobSuffix } from './replay-jobs';
import { REPLAY_COLUMNS, ReplayRow, claimPage, countMatching, refreshStoredProgress } from './replay.store';
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
    @Inject(READ_POOL) private readonly pool: Pool,
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
    await this.pool
      .query(`UPDATE replays SET lease_owner = NULL, lease_until = NULL WHERE lease_owner = $1`, [this.owner])
      .catch(() => undefined);
  }

  /** Starts running replays nobody holds. */
  async scan(): Promise<void> {
    if (this.stopping) return;
    try {
      const { rows } = await this.pool.query<{ id: string }>(
        `SELECT id::text AS id FROM replays
          WHERE status = 'running' AND (lease_until IS NULL OR lease_until < now() OR lease_owner = $1)
          ORDER BY id LIMIT 100`,
        [this.owner],
      );
      for (const r of rows) this.kick(r.id);
    } catch (e) {
      this.logger.warn(`replay scan failed, will retry: ${messageOf(e)}`);
    }
  }

  /** Stored counts only (GET /admin/replays/:id counts live): a failure is logged and the next round retries. */
  async refreshProgress(): Promise<void> {
    if (this.stopping) return;
    try {
      await refreshStoredProgress(this.pool);
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
  private async claim(id: string): Promise<ReplayRow | null> {
    const { rows } = await this.pool.query<ReplayRow>(
      `UPDATE replays SET lease_owner = $2, lease_until = now() + make_interval(secs => $3::float / 1000)
        WHERE id = $1::bigint AND status = 'running'
          AND (lease_until IS NULL OR lease_until < now() OR lease_owner = $2)
        RETURNING ${REPLAY_COLUMNS}`,
      [id, this.owner, LEASE_MS],
    );
    return rows[0] ?? null;
  }

  /**
   * Paused or cancelled: hands the lease back at once, so a resume on any instance picks the replay up
   * without waiting for the lease to lapse (and "no lease" tells that nothing works on it any more).
   */
  private async release(id: string): Promise<void> {
    await this.pool.query(
      `UPDATE replays SET lease_owner = NULL, lease_until = NULL WHERE id = $1::bigint AND lease_owner = $2`,
      [id, this.owner],
    );
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
          const matched = await countMatching(this.pool, replay.destination_id, replay.filter);
          await this.pool.query(`UPDATE replays SET matched = $2, updated_at = now() WHERE id = $1::bigint`, [
            id,
            matched,
          ]);
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
        const page = await claimPage(this.pool, replay, after, size, claim);
        if (page.deliveryIds.length > 0 && replay.mode === 'batch') {
          await enqueueBatchSlice(this.slices, this.queues, replay, page.deliveryIds);
        } else if (page.deliveryIds.length > 0) {
          await this.enqueuer.enqueue(
            page.deliveryIds.map((deliveryId) => ({
              deliveryId,
              destinationId: replay.destination_id,
              jobIdSuffix: replayJobSuffix(id),
            })),
            { trigger: 'replay', replayId: id },
          );
        }
        const done = page.deliveryIds.length < size;
        await this.pool.query(
          `UPDATE replays SET cursor = COALESCE($2, cursor), updated_at = now(),
                  status = CASE WHEN $3 AND status = 'running' THEN 'completed' ELSE status END,
                  finished_at = CASE WHEN $3 AND status = 'running' THEN now() ELSE finished_at END,
                  lease_owner = CASE WHEN $3 THEN NULL ELSE lease_owner END,
                  lease_until = CASE WHEN $3 THEN NULL ELSE lease_until END
            WHERE id = $1::bigint`,
          [id, page.last ? encodeCursor(page.last) : null, done],
        );
        errors = 0;
        if (done) {
          this.logger.log(`replay ${id} has enqueued everything it matched`);
          return;
        }
      } catch (e) {
        errors += 1;
        // A deadlock (40P01) with a concurrent outcome write of the page's deliveries: the page is claimed again.
        const transient =
          isDatabaseUnreachableError(e) ||
          (e as { code?: string }).code === '40P01' ||
          /redis|ECONNREFUSED|Connection is closed/i.test(String(e));
        if (!transient || errors > MAX_CONSECUTIVE_ERRORS) {
          await this.pool
            .query(
              `UPDATE replays SET status = 'failed', error = $2, finished_at = now(), updated_at = now(),
                      lease_owner = NULL, lease_until = NULL
                WHERE id = $1::bigint AND status = 'running'`,
              [id, messageOf(e).slice(0, 2000)],
            )
            .catch(() => undefined);
          throw e;
        }
        this.logger.warn(`replay ${id}: page failed, will retry: ${messageOf(e)}`);
        await sleep(Math.min(30_000, 250 * 2 ** errors));
      }
    }
  }

  /**
   * After a cancel: removes the replay's jobs that have not run yet (best effort; a job already
   * running finishes). Their deliveries are then resolved by the outbox relay like any open delivery.
   */
  async purgeQueued(replay: { id: string; destinationId: string }): Promise<number> {
    const queue = this.queues.forDestination(replay.destinationId);
    let after = '0';
    let removed = 0;
    for (;;) {
      const { rows } = await this.pool.query<{ id: string }>(
        `SELECT delivery_id::text AS id FROM replay_deliveries WHERE replay_id = $1::bigint AND delivery_id > $2::bigint
          ORDER BY delivery_id LIMIT 500`,
        [replay.id, after],
      );
      if (rows.length === 0) return removed;
      const results = await Promise.all(
        rows.map((r) => queue.remove(deliveryJobId(r.id, replayJobSuffix(replay.id))).catch(() => 0)),
      );
      removed += results.filter((n) => n === 1).length;
      after = rows[rows.length - 1].id;
    }
  }
}
