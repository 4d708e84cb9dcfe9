import { Module } from '@nestjs/common';
import { EventLogModule } from '../event-log/event-log.module';
import { MetricsModule } from '../../ops/metrics/metrics.module';
import { OutboxModule } from '../outbox/outbox.module';
import { RejectedEventsRepository } from './rejected-events.repository';
import { SourceKeysRepository } from './source-keys.repository';
import { SourceRateLimiter } from './source-rate-limiter';
import { BodyBudget } from './body-budget';
import { TrackingRoutes } from './tracking.routes';
import { TrackingService } from './tracking.service';
import { WriteKeyService } from './write-key.service';

/**
 * The Segment-compatible /v1 routes: write key → source, validation, rate limit, then the event log and the
 * post-commit enqueue. Exports the write-key cache (the admin API invalidates it) and the routes (mounted by main).
 */
@Module({
  imports: [EventLogModule, OutboxModule, MetricsModule],
  providers: [
    WriteKeyService,
    TrackingService,
    TrackingRoutes,
    SourceRateLimiter,
    BodyBudget,
    SourceKeysRepository,
    RejectedEventsRepository,
  ],
  exports: [WriteKeyService, TrackingRoutes],
})
export class TrackingModule {}
