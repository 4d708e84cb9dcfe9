import { DynamicModule, Module } from '@nestjs/common';
import { AdminModule } from './admin/admin.module';
import { AuditModule } from './audit/audit.module';
import { IngestConfig } from './core/config/ingest.config';
import { CoreModule } from './core/core.module';
import { DevSeedModule } from './dev-seed/dev-seed.module';
import { OpsModule } from './ops/ops.module';
import { RedriveModule } from './audit/redrive/redrive.module';
import { ReplayModule } from './audit/replay/replay.module';
import { TrackingModule } from './ingest/tracking/tracking.module';

/** The ingest API: the core (config, pools, queues, errors), then the event path, the admin side and operations. */
@Module({})
export class AppModule {
  static register(config: IngestConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        CoreModule.register(config),
        TrackingModule,
        AdminModule,
        AuditModule,
        ReplayModule,
        RedriveModule,
        OpsModule,
        DevSeedModule,
      ],
    };
  }
}
