import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { randomUUID } from 'crypto';
import { hostname } from 'os';
import { FORGET_DELETION_USERS_BATCH } from '@fsd/delivery-data';
import { IdentityHasher, isDatabaseUnreachableError } from '@fsd/platform';
import { INGEST_CONFIG, IngestConfig } from '../../core/config/ingest.config';
import { DeletionsRepository, ErasureJob } from './deletions.repository';
import { messageOf } from '../../core/errors/message-of';

const LEASE_MS = 60_000;
const SCAN_MS = 5_000;
const MAX_CONSECUTIVE_ERRORS = 20;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Runs the local erasure of deletion requests in the background, one batch per transaction. A
 * request is held by one ingest-api instance at a time through a lease renewed every batch;
 * pending requests whose lease lapsed (a restart, a crash) are picked up by the periodic scan and
 * resume at their phase (erased rows no longer match, so nothing is done twice).
 */
@Injectable()
export class ErasureRunner implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('ErasureRunner');
  private readonly owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private readonly active = new Map<string, Promise<void>>();
  private hasher?: IdentityHasher;
  private timer?: NodeJS.Timeout;
  private stopping = false;

  constructor(
    private readonly deletions: DeletionsRepository,
    @Inject(INGEST_CONFIG) private readonly config: IngestConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.scan(), SCAN_MS);
    this.timer.unref();
    void this.scan();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearInterval(this.timer);
    await Promise.all(this.active.values());
    // The leases lapse on their own (LEASE_MS) if this fails: logged, not thrown, so shutdown goes on.
    await this.deletions
      .releaseAll(this.owner)
      .catch((e) => this.logger.warn(`erasure leases not handed back (they lapse): ${messageOf(e)}`));
  }

  async scan(): Promise<void> {
    if (this.stopping) return;
    try {
      for (const id of await this.deletions.unheld(this.owner)) this.kick(id);
      await this.forgetEndedDeletionUsers();
    } catch (e) {
      this.logger.warn(`erasure scan failed, will retry: ${messageOf(e)}`);
    }
  }

  /**
   * The FullStory deletions that ended keep only the keyed hash of their user from then on (the plain id
   * was needed to build their request). Swept here, so one that ended while no runner was up is caught too.
   */
  async forgetEndedDeletionUsers(): Promise<void> {
    const hasher = (this.hasher ??= new IdentityHasher(this.config.secretsKey));
    const hash = (u: string) => hasher.hash(u);
    while (!this.stopping) {
      const n = await this.deletions.forgetEndedUsers(hash);
      if (n < FORGET_DELETION_USERS_BATCH) return;
    }
  }

  kick(id: string): void {
    if (this.stopping || this.active.has(id)) return;
    const run = this.run(id)
      .catch((e: Error) => this.logger.error(`erasure of deletion ${id} stopped: ${e.message}`))
      .finally(() => this.active.delete(id));
    this.active.set(id, run);
  }

  private claim(id: string): Promise<ErasureJob | null> {
    return this.deletions.claim(id, this.owner, LEASE_MS);
  }

  private async step(job: ErasureJob): Promise<void> {
    const hasher = (this.hasher ??= new IdentityHasher(this.config.secretsKey));
    await this.deletions.step(job, hasher, new Date());
  }

  private async run(id: string): Promise<void> {
    let errors = 0;
    while (!this.stopping) {
      let job: ErasureJob | null;
      try {
        job = await this.claim(id);
      } catch (e) {
        if (++errors > MAX_CONSECUTIVE_ERRORS) throw e;
        await sleep(Math.min(30_000, 250 * 2 ** errors));
        continue;
      }
      if (!job) return;
      try {
        await this.step(job);
        errors = 0;
      } catch (e) {
        errors += 1;
        if (!isDatabaseUnreachableError(e) || errors > MAX_CONSECUTIVE_ERRORS) {
          // The run's own error is what gets thrown; a failure to record it is logged beside it.
          await this.deletions
            .fail(id, messageOf(e))
            .catch((f) => this.logger.warn(`erasure ${id}: failure not recorded: ${messageOf(f)}`));
          throw e;
        }
        this.logger.warn(`erasure of deletion ${id}: batch failed, will retry: ${messageOf(e)}`);
        await sleep(Math.min(30_000, 250 * 2 ** errors));
      }
    }
  }
}
