import type { Provider } from '@nestjs/common';
import { BatchJobClient, FullStoryClient } from '@fsd/fullstory-contracts';
import type { WorkerConfig } from '../config/worker.config';
import { BatchReplayProcessor } from './batch-replay.processor';
import { BatchReplayStore } from '../data/batch-replay.repository';
import { batchSliceRepositoryProvider } from '../data/batch-slice-repository.provider';
import { BatchReplayWorker } from './batch-replay-worker.service';
import { SliceSender } from './slice-sender';

/** The batch executor's providers, registered in AppModule beside live delivery's. */
export function batchReplayProviders(config: WorkerConfig): Provider[] {
  return [
    {
      provide: BatchJobClient,
      inject: [FullStoryClient],
      useFactory: (client: FullStoryClient) =>
        new BatchJobClient(client, {
          maxInProgressJobs: config.batchReplay.maxRunningJobs,
          pollMaxMs: config.batchReplay.pollMaxMs,
          maxRetries: config.batchReplay.callRetries,
          retryAfterCapMs: config.defaults.retryAfterCapSeconds * 1000,
        }),
    },
    BatchReplayStore,
    batchSliceRepositoryProvider,
    SliceSender,
    BatchReplayProcessor,
    BatchReplayWorker,
  ];
}
