import { Module } from '@nestjs/common';
import { EventLogMaintenanceRepository } from './event-log-maintenance.repository';
import { EventLogRepository } from './event-log.repository';
import { EventLogWriter } from './event-log.writer';
import { LogMaintenance } from './log-maintenance.service';
import { RetentionModule } from '../retention/retention.module';

/** The event log: group-commit writes of accepted events (hot-path pool) and the hourly partitions and retention. */
@Module({
  imports: [RetentionModule],
  providers: [EventLogRepository, EventLogWriter, LogMaintenance, EventLogMaintenanceRepository],
  exports: [EventLogWriter],
})
export class EventLogModule {}
