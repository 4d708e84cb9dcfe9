import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { INGEST_CONFIG, IngestConfig } from '../../core/config/ingest.config';
import { messageOf } from '../../core/errors/message-of';
import { EventLogMaintenanceRepository } from './event-log-maintenance.repository';

/** Creates the event log's daily partitions a week ahead and forgets dedup keys past the window. */
@Injectable()
export class LogMaintenance implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(LogMaintenance.name);
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly log: EventLogMaintenanceRepository,
    @Inject(INGEST_CONFIG) private readonly config: IngestConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.run(), 60 * 60 * 1000);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
  }

  async run(): Promise<void> {
    try {
      await this.log.ensurePartitions(7);
      await this.log.forgetDedupKeysOlderThan(this.config.dedupWindowDays);
    } catch (e) {
      this.logger.warn(`maintenance failed, will retry next hour: ${messageOf(e)}`);
    }
  }
}
