import { Module } from '@nestjs/common';
import { EventLogMaintenanceRepository } from './event-log-maintenance.repository';
import { EventLogRepository } from './event-log.repository';
import { EventLogWriter } from './event-log.writer';
import { LogMaintenance } from './log-maintenance.service';

/** The event log: group-commit writes of accepted events (hot-path pool) and the hourly dedup-window cleanup. */
@Module({
  providers: [EventLogRepository, EventLogWriter, LogMaintenance, EventLogMaintenanceRepository],
  exports: [EventLogWriter],
})
export class EventLogModule {}
