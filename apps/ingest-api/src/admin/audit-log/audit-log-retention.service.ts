import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { INGEST_CONFIG, IngestConfig } from '../../core/config/ingest.config';
import { messageOf } from '../../core/errors/message-of';
import { auditLogCutoff, expiredPartitions, monthsToEnsure } from './audit-log-retention.policy';
import { AuditLogRetentionRepository } from './audit-log-retention.repository';

const HOUR_MS = 60 * 60 * 1000;

export interface AuditLogRetentionRun {
  cutoff: Date;
  /** The months dropped, by partition name. */
  dropped: string[];
}

/**
 * ADMIN_AUDIT_RETENTION_DAYS for the admin audit log: at start (before the app takes requests) and every hour, the
 * months ahead are created and the months whose every entry is past retention dropped whole. Every ingest process
 * runs it; creating and dropping are idempotent. `now` is explicit so tests drive it with their own clock.
 */
@Injectable()
export class AuditLogRetention implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(AuditLogRetention.name);
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly repo: AuditLogRetentionRepository,
    @Inject(INGEST_CONFIG) private readonly config: IngestConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    // The current month must exist before the first change is recorded; a failure here stops the start.
    const { first, last } = monthsToEnsure(new Date());
    await this.repo.ensureMonths(first, last);
    void this.runLogged();
    this.timer = setInterval(() => void this.runLogged(), HOUR_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
  }

  async run(now: Date): Promise<AuditLogRetentionRun> {
    const { first, last } = monthsToEnsure(now);
    await this.repo.ensureMonths(first, last);
    const cutoff = auditLogCutoff(now, this.config.adminAuditRetentionDays);
    const dropped: string[] = [];
    for (const month of expiredPartitions(await this.repo.partitions(), cutoff)) {
      await this.repo.dropMonth(month.name);
      dropped.push(month.name);
    }
    if (dropped.length > 0) {
      this.logger.log(`dropped ${dropped.join(', ')}: admin audit entries kept from ${cutoff.toISOString()}`);
    }
    return { cutoff, dropped };
  }

  private async runLogged(): Promise<void> {
    try {
      await this.run(new Date());
    } catch (e) {
      this.logger.warn(`admin audit log retention failed, will retry next hour: ${messageOf(e)}`);
    }
  }
}
