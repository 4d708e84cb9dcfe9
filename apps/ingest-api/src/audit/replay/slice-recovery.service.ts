import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { BATCH_REPLAY_QUEUE, batchReplayJobId } from '@fsd/platform';
import { INGEST_CONFIG, IngestConfig } from '../../core/config/ingest.config';
import { messageOf } from '../../core/errors/message-of';
import { QueueRegistry } from '../../core/queue/queue-registry.service';
import { addSliceJob } from './batch-slices';
import { OpenSlice, ReplaySliceRepository } from './replay-slices.repository';
import { decideSlice } from './slice-recovery';

/** Runs of one slice (each with BullMQ's own attempts) before its open deliveries are ended failed. */
const MAX_GENERATIONS = 5;
const SLICES_PER_PASS = 100;

/**
 * No event of a batch-mode replay is left pending: the outbox relay skips its deliveries (they travel in slice
 * jobs), so this pass checks the replay's open slices and adds a slice's job again when Redis lost it, runs the
 * slice again when its job failed for good or ended with deliveries unsent (left to another run that did not end
 * them), and after MAX_GENERATIONS runs (or once the replay failed) ends its open deliveries failed with the
 * reason in their state change. Job ids are deterministic per generation, and the generation moves by
 * compare-and-set, so instances racing add one job.
 */
@Injectable()
export class SliceRecovery implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(SliceRecovery.name);
  private timer?: NodeJS.Timeout;
  private running = false;

  constructor(
    private readonly slices: ReplaySliceRepository,
    private readonly queues: QueueRegistry,
    @Inject(INGEST_CONFIG) private readonly config: IngestConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.pass(), this.config.outboxRelayIntervalMs);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** One pass over the slices due for a check; failures are logged and the next pass retries. */
  async pass(): Promise<void> {
    if (this.running || !this.queues.redisReady) return;
    this.running = true;
    try {
      for (const s of await this.slices.dueSlices(this.config.outboxRelayGraceMs, SLICES_PER_PASS)) await this.check(s);
    } catch (e) {
      this.logger.warn(`batch replay slice recovery failed, will retry: ${messageOf(e)}`);
    } finally {
      this.running = false;
    }
  }

  private async check(s: OpenSlice): Promise<void> {
    const queue = this.queues.byName(BATCH_REPLAY_QUEUE);
    // The job's state first, then what is open: a job that records and completes in between is seen as
    // completed with nothing open, never as completed with its deliveries still open.
    const job = await queue.getJobState(batchReplayJobId(s.replayId, s.slice, s.generation));
    const open = await this.slices.openCount(s);
    const decision = decideSlice({
      open,
      job,
      generation: s.generation,
      maxGenerations: MAX_GENERATIONS,
      replayStatus: s.replayStatus,
    });
    const name = `replay ${s.replayId} slice ${s.slice}`;
    switch (decision.do) {
      case 'settle':
        return this.slices.settleSlice(s);
      case 'wait':
        return this.slices.touchSlice(s);
      case 'readd':
        this.logger.warn(`${name}: its job is missing from Redis with ${open} deliveries open; adding it again`);
        await this.add(s, s.generation);
        return this.slices.touchSlice(s);
      case 'rerun':
        if (!(await this.slices.nextGeneration(s, decision.why))) return;
        this.logger.warn(`${name}: ${decision.why} (${open} deliveries open); running it again`);
        return this.add(s, s.generation + 1);
      case 'give-up': {
        const reason = `batch replay slice ${s.slice} gave up: ${decision.why}`;
        const ended = await this.slices.failSlice(s, reason);
        this.logger.error(`${name}: ${decision.why}; ended its ${ended} open deliveries failed`);
        return;
      }
    }
  }

  private async add(s: OpenSlice, generation: number): Promise<void> {
    const deliveryIds = await this.slices.sliceDeliveryIds(s);
    await addSliceJob(
      this.queues,
      { replayId: s.replayId, destinationId: s.destinationId, slice: s.slice, deliveryIds },
      generation,
    );
  }
}
