import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Worker } from 'bullmq';
import { BATCH_REPLAY_QUEUE, BatchReplayJobData, createRedisConnection } from '@fsd/platform';
import { WORKER_CONFIG, WorkerConfig } from '../config/worker.config';
import { BatchReplayProcessor } from './batch-replay.processor';

/**
 * The batch replay queue's BullMQ worker: a few slices at a time (each holds FullStory jobs open while it
 * follows them; FullStory's own cap on running jobs is kept by the batch client per destination).
 */
@Injectable()
export class BatchReplayWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(BatchReplayWorker.name);
  private worker?: Worker<BatchReplayJobData>;

  constructor(
    @Inject(WORKER_CONFIG) private readonly config: WorkerConfig,
    private readonly processor: BatchReplayProcessor,
  ) {}

  onApplicationBootstrap(): void {
    this.worker = new Worker<BatchReplayJobData>(
      BATCH_REPLAY_QUEUE,
      async (job) => {
        const r = await this.processor.process(job.data);
        if (r.busy > 0) this.logger.warn(`replay ${job.data.replayId} slice ${job.data.slice}: ${r.busy} busy`);
        return r;
      },
      {
        connection: createRedisConnection(this.config, 'worker-batch-replay'),
        prefix: this.config.queuePrefix,
        concurrency: this.config.batchReplay.concurrency,
        // A slice follows its jobs to the end; the lock is renewed meanwhile.
        lockDuration: this.config.lockDurationMs,
      },
    );
    this.worker.on('error', (e) => this.logger.warn(`batch replay worker: ${e.message}`));
    this.worker.on('failed', (job, e) =>
      this.logger.warn(`batch replay slice ${job?.id ?? '?'} failed (BullMQ retries it): ${e.message}`),
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await this.worker?.close();
  }
}
