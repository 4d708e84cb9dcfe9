import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { Pool } from 'pg';
import { INGEST_CONFIG, IngestConfig } from '../../core/config/ingest.config';
import { PG_POOL } from '../../core/database/pg-pool.provider';
import { messageOf } from '../../core/errors/message-of';

/** Creates the event log's daily partitions a week ahead and forgets dedup keys past the window. */
@Injectable()
export class LogMaintenance implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(LogMaintenance.name);
  private timer?: NodeJS.Timeout;

  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
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
      await this.pool.query('SELECT ensure_event_partitions(7)');
      await this.pool.query(
        `DELETE FROM event_dedup WHERE ctid IN (
           SELECT ctid FROM event_dedup WHERE received_at < now() - make_interval(days => $1) LIMIT 50000)`,
        [this.config.dedupWindowDays],
      );
    } catch (e) {
      this.logger.warn(`maintenance failed, will retry next hour: ${messageOf(e)}`);
    }
  }
}
