import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { messageOf } from '../../core/errors/message-of';
import { RetentionService } from '../retention/retention.service';
import { EventLogMaintenanceRepository } from './event-log-maintenance.repository';

/**
 * At start and hourly: creates the partitions of the time-partitioned tables a week ahead, then runs retention
 * (drops the partitions past it). Any number of ingest instances may run it: both steps are idempotent.
 */
@Injectable()
export class LogMaintenance implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(LogMaintenance.name);
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly log: EventLogMaintenanceRepository,
    private readonly retention: RetentionService,
  ) {}

  onApplicationBootstrap(): void {
    // Once at start (in the background: the start made today's partitions already), then hourly.
    void this.run();
    this.timer = setInterval(() => void this.run(), 60 * 60 * 1000);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
  }

  async run(): Promise<void> {
    try {
      await this.log.ensurePartitions(7);
      await this.retention.run(new Date());
    } catch (e) {
      this.logger.warn(`maintenance failed, will retry next hour: ${messageOf(e)}`);
    }
  }
}
