import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { TypeOrmModule } from '@nestjs/typeorm';
import { dataSourceOptions } from '@fsd/platform';
import { AdminModule } from './admin/admin.module';
import { AuditModule } from './audit/audit.module';
import { AuthModule } from './auth/auth.module';
import { TokensModule } from './admin/tokens/tokens.module';
import { AuditLogModule } from './admin/audit-log/audit-log.module';
import { AllExceptionsFilter } from './common/errors/all-exceptions.filter';
import { QueueDashboard } from './dashboard/queue-dashboard.service';
import { AdminSessions } from './ops-ui/admin-sessions.service';
import { INGEST_CONFIG, IngestConfig } from './config/ingest.config';
import { pgPoolProvider } from './database/pg-pool.provider';
import { DevSeedService } from './dev-seed/dev-seed.service';
import { EventLogWriter } from './event-log/event-log.writer';
import { LogMaintenance } from './event-log/log-maintenance.service';
import { HealthController } from './health/health.controller';
import { IngestMetrics } from './metrics/ingest-metrics.service';
import { OpsModule } from './ops-ui/ops.module';
import { DeliveryEnqueuer } from './outbox/delivery-enqueuer.service';
import { OutboxRelay } from './outbox/outbox-relay.service';
import { QueueRegistry } from './queue/queue-registry.service';
import { RedriveModule } from './redrive/redrive.module';
import { ReplayModule } from './replay/replay.module';
import { SourceRateLimiter } from './tracking/source-rate-limiter';
import { TrackingRoutes } from './tracking/tracking.routes';
import { TrackingService } from './tracking/tracking.service';
import { WriteKeyService } from './tracking/write-key.service';

@Module({})
export class AppModule {
  static register(config: IngestConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        TerminusModule.forRoot({ errorLogStyle: 'pretty', logger: false }),
        TypeOrmModule.forRoot({ ...dataSourceOptions(config.databaseUrl, 5), retryAttempts: 0 }),
        AuthModule.register({ adminToken: config.adminToken }),
        AdminModule,
        TokensModule,
        AuditLogModule,
        AuditModule,
        ReplayModule,
        RedriveModule,
        OpsModule,
      ],
      controllers: [HealthController],
      providers: [
        { provide: INGEST_CONFIG, useValue: config },
        { provide: APP_FILTER, useClass: AllExceptionsFilter },
        pgPoolProvider,
        QueueRegistry,
        EventLogWriter,
        DeliveryEnqueuer,
        OutboxRelay,
        LogMaintenance,
        WriteKeyService,
        TrackingService,
        TrackingRoutes,
        SourceRateLimiter,
        DevSeedService,
        IngestMetrics,
        QueueDashboard,
        AdminSessions,
      ],
    };
  }
}
