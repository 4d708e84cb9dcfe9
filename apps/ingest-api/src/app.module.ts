import { DynamicModule, Module } from '@nestjs/common';
import { AdminModule } from './admin/admin.module';
import { AuditLogModule } from './admin/audit-log/audit-log.module';
import { TokensModule } from './admin/tokens/tokens.module';
import { AuditModule } from './audit/audit.module';
import { RedriveModule } from './audit/redrive/redrive.module';
import { ReplayModule } from './audit/replay/replay.module';
import { AuthModule } from './auth/auth.module';
import { IngestConfig } from './core/config/ingest.config';
import { CoreModule } from './core/core.module';
import { DevSeedModule } from './dev-seed/dev-seed.module';
import { TrackingModule } from './ingest/tracking/tracking.module';
import { OpsModule } from './ops/ops.module';

/**
 * The ingest API: the core (config, pools, queues, errors) and who may do what (auth, the admin audit log), then
 * the event path, the admin side and operations.
 */
@Module({})
export class AppModule {
  static register(config: IngestConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        CoreModule.register(config),
        AuthModule.register({ adminToken: config.adminToken }),
        AuditLogModule,
        TrackingModule,
        AdminModule,
        TokensModule,
        AuditModule,
        ReplayModule,
        RedriveModule,
        OpsModule,
        DevSeedModule,
      ],
    };
  }
}
