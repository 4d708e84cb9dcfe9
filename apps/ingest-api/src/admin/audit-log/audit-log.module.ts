import { Global, Module } from '@nestjs/common';
import { AuditLogController } from './audit-log.controller';
import { AuditLogInterceptor } from './audit-log.interceptor';
import { AuditLogRepository } from './audit-log.repository';
import { AuditLogRetention } from './audit-log-retention.service';
import { AuditLogRetentionRepository } from './audit-log-retention.repository';
import { ConfigSnapshots } from './config-snapshots.repository';

/**
 * The admin audit log: its one writer, the interceptor every admin controller carries, GET /admin/audit-log, and
 * its retention (months past ADMIN_AUDIT_RETENTION_DAYS dropped whole).
 * Global for the same reason as AuthModule: every module with admin routes uses the interceptor.
 */
@Global()
@Module({
  controllers: [AuditLogController],
  providers: [AuditLogRepository, ConfigSnapshots, AuditLogInterceptor, AuditLogRetentionRepository, AuditLogRetention],
  exports: [AuditLogRepository, ConfigSnapshots, AuditLogInterceptor],
})
export class AuditLogModule {}
