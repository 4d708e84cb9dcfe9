import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DestinationEntity, MappingEntity, SourceEntity } from '@fsd/platform';
import { AdminTokenGuard } from './auth/admin-token.guard';
import { AdminContext } from './common/admin-context.service';
import { DeletionsController } from './deletions/deletions.controller';
import { DeletionsService } from './deletions/deletions.service';
import { DestinationPauseController } from './destinations/destination-pause.controller';
import { DestinationPauseService } from './destinations/destination-pause.service';
import { ErasureRunner } from './deletions/erasure-runner.service';
import { DestinationsController } from './destinations/destinations.controller';
import { DestinationsService } from './destinations/destinations.service';
import { MappingsController } from './mappings/mappings.controller';
import { MappingsService } from './mappings/mappings.service';
import { SourcesController } from './sources/sources.controller';
import { SourcesService } from './sources/sources.service';

/**
 * The admin API under /admin (Bearer ADMIN_TOKEN): sources, destinations, mappings, previews,
 * test connections and GDPR deletions. Uses the root module's configuration, write-key cache and
 * delivery enqueuer through AdminContext.
 */
@Module({
  imports: [TypeOrmModule.forFeature([SourceEntity, DestinationEntity, MappingEntity])],
  controllers: [
    SourcesController,
    DestinationsController,
    DestinationPauseController,
    MappingsController,
    DeletionsController,
  ],
  providers: [
    AdminContext,
    AdminTokenGuard,
    SourcesService,
    DestinationsService,
    DestinationPauseService,
    MappingsService,
    DeletionsService,
    ErasureRunner,
  ],
})
export class AdminModule {}
