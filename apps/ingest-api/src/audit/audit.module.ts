import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { AuditEventsController, AuditExportController } from './query/audit.controller';
import { AuditService } from './query/audit.service';
import { ExportService } from './export/export.service';
import { DeletionReads } from './export/deletion-reads.repository';
import { AuditReads } from './common/audit-reads.repository';
import { RejectedEventsReads } from './rejected/rejected-events-reads.repository';
import { RejectedEventsController } from './rejected/rejected-events.controller';

/**
 * The audit query API under /admin (the admin API's Bearer token guard and validation): events with their
 * delivery status, one event's full timeline, streamed exports, and rejected batch items. Reads on the read pool.
 */
@Module({
  imports: [AuthModule],
  controllers: [AuditEventsController, AuditExportController, RejectedEventsController],
  providers: [AuditReads, DeletionReads, AuditService, ExportService, RejectedEventsReads],
})
export class AuditModule {}
