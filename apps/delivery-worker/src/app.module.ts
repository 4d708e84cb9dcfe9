import { DynamicModule, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { DestinationDispatchers, FullStoryClient } from '@fsd/fullstory-contracts';
import { batchReplayProviders } from './batch-replay/batch-replay.providers';
import { WORKER_CONFIG, WorkerConfig } from './config/worker.config';
import { deliveryRepositoryProvider } from './data/delivery-repository.provider';
import { erasureCheckProvider } from './data/erasure-check.provider';
import { pgPoolProvider } from './data/pg-pool.provider';
import { DeliveryProcessor } from './delivery/delivery.processor';
import { DeliveryGroupRunner } from './delivery/delivery-group.runner';
import { WorkerManager } from './delivery/worker-manager.service';
import { DestinationCache } from './destinations/destination-cache.service';
import { DestinationChanges } from './data/destination-changes.service';
import { DestinationRepository } from './data/destination.repository';
import { HealthController } from './health/health.controller';
import { redisProbeProvider } from './health/redis-probe.provider';
import { DeliveryMetrics } from './metrics/delivery-metrics.service';
import { SuppressionService } from './suppression/suppression.service';

@Module({})
export class AppModule {
  static register(config: WorkerConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [TerminusModule.forRoot({ logger: false })],
      controllers: [HealthController],
      providers: [
        { provide: WORKER_CONFIG, useValue: config },
        {
          provide: FullStoryClient,
          useFactory: () =>
            new FullStoryClient({ timeoutMs: config.defaults.timeoutMs, policy: config.outboundPolicy }),
        },
        { provide: DestinationDispatchers, useFactory: () => new DestinationDispatchers(config.outboundPolicy) },
        pgPoolProvider,
        redisProbeProvider,
        DeliveryMetrics,
        deliveryRepositoryProvider,
        DestinationRepository,
        erasureCheckProvider,
        DestinationCache,
        DestinationChanges,
        SuppressionService,
        DeliveryProcessor,
        DeliveryGroupRunner,
        WorkerManager,
        ...batchReplayProviders(config),
      ],
    };
  }
}
