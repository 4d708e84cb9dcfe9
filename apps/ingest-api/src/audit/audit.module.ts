import { Module } from '@nestjs/common';
import { AdminTokenGuard } from '../admin/auth/admin-token.guard';
import { AdminContext } from '../admin/common/admin-context.service';
import { AuditContext } from './audit-context.service';
import { AuditEventsController, AuditExportController } from './audit.controller';
import { AuditService } from './audit.service';
import { ExportService } from './export.service';
import { RejectedEventsController } from './rejected-events.controller';

/**
 * The audit query API under /admin (the admin API's Bearer token guard and validation): events with
 * their delivery status, one event's full timeline, streamed exports, and rejected batch items. Exports AuditContext
 * (and the guard's dependencies) for the replay and redrive modules.
 */
@Module({
  controllers: [AuditEventsController, AuditExportController, RejectedEventsController],
  providers: [AdminContext, AdminTokenGuard, AuditContext, AuditService, ExportService],
  exports: [AdminContext, AdminTokenGuard, AuditContext],
})
export class AuditModule {}
