import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { OutboxModule } from '../ingest/outbox/outbox.module';
import { TrackingModule } from '../ingest/tracking/tracking.module';
import { DeletionsController } from './deletions/deletions.controller';
import { DeletionsRepository } from './deletions/deletions.repository';
import { DeletionsService } from './deletions/deletions.service';
import { DestinationOverviewController } from './destinations/destination-overview.controller';
import { DestinationOverviewRepository } from './destinations/destination-overview.repository';
import { DestinationOverviewService } from './destinations/destination-overview.service';
import { DestinationPauseController } from './destinations/destination-pause.controller';
import { DestinationPauseService } from './destinations/destination-pause.service';
import { ErasureRunner } from './deletions/erasure-runner.service';
import { DestinationsController } from './destinations/destinations.controller';
import { DestinationConnectionService } from './destinations/destination-connection.service';
import { DestinationKeyBox } from './destinations/destination-key-box';
import { DestinationsRepository } from './destinations/destinations.repository';
import { DestinationsService } from './destinations/destinations.service';
import { MappingsController } from './mappings/mappings.controller';
import { MappingsService } from './mappings/mappings.service';
import { SourcesController } from './sources/sources.controller';
import { SourcesRepository } from './sources/sources.repository';
import { SourcesService } from './sources/sources.service';

/**
 * The admin API under /admin (Bearer ADMIN_TOKEN): sources, destinations, mappings, previews, test connections,
 * pause/resume, delivery funnels and GDPR deletions. Uses the write-key cache (TrackingModule: a changed key takes effect at once)
 * and the delivery enqueuer (OutboxModule: deletions enqueue their erasure jobs). Exports the pause service for
 * the operations page, and the sources and destinations repositories for the development seed.
 */
@Module({
  imports: [AuthModule, TrackingModule, OutboxModule],
  controllers: [
    SourcesController,
    DestinationsController,
    DestinationPauseController,
    DestinationOverviewController,
    MappingsController,
    DeletionsController,
  ],
  providers: [
    SourcesService,
    SourcesRepository,
    DestinationsService,
    DestinationsRepository,
    DestinationConnectionService,
    DestinationKeyBox,
    DestinationPauseService,
    DestinationOverviewService,
    DestinationOverviewRepository,
    MappingsService,
    DeletionsService,
    DeletionsRepository,
    ErasureRunner,
  ],
  exports: [DestinationPauseService, DestinationOverviewService, SourcesRepository, DestinationsRepository],
})
export class AdminModule {}
