import { Global, Module } from '@nestjs/common';
import { AuditLogController } from './audit-log.controller';
import { AuditLogInterceptor } from './audit-log.interceptor';
import { AuditLogRepository } from './audit-log.repository';
import { ConfigSnapshots } from './config-snapshots.repository';

/**
 * The admin audit log: its one writer, the interceptor every admin controller carries, and GET /admin/audit-log.
 * Global for the same reason as AuthModule: every module with admin routes uses the interceptor.
 */
@Global()
@Module({
  controllers: [AuditLogController],
  providers: [AuditLogRepository, ConfigSnapshots, AuditLogInterceptor],
  exports: [AuditLogRepository, ConfigSnapshots, AuditLogInterceptor],
})
export class AuditLogModule {}
