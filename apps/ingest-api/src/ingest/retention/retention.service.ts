import { Inject, Injectable, Logger } from '@nestjs/common';
import { INGEST_CONFIG, IngestConfig } from '../../core/config/ingest.config';
import { RetentionCutoffs, retentionCutoffs } from './retention-policy';
import { RetentionRepository } from './retention.repository';

export interface RetentionRun {
  cutoffs: RetentionCutoffs;
  /** Partitions dropped, by name. */
  dropped: string[];
  funnelRowsPruned: number;
}

/**
 * Retention that keeps storage flat: whole daily partitions past their cutoff are dropped (no row-by-row
 * delete), the delivery funnel's counters past audit retention pruned. `now` is explicit so a simulated clock
 * can drive it (the hourly maintenance passes the real one).
 */
@Injectable()
export class RetentionService {
  private readonly logger = new Logger('Retention');

  constructor(
    private readonly repo: RetentionRepository,
    @Inject(INGEST_CONFIG) private readonly config: IngestConfig,
  ) {}

  async cutoffs(now: Date): Promise<RetentionCutoffs> {
    return retentionCutoffs(now, this.config, await this.repo.overrides());
  }

  /** The earliest reception time whose events are still kept (a replay may not start before it). */
  async earliestEventKept(now: Date): Promise<Date> {
    return (await this.cutoffs(now)).events;
  }

  async run(now: Date): Promise<RetentionRun> {
    const cutoffs = await this.cutoffs(now);
    const dropped = [
      ...(await this.repo.dropEventsBefore(cutoffs.events)),
      ...(await this.repo.dropDedupKeysBefore(cutoffs.dedup)),
      ...(await this.repo.dropAuditBefore(cutoffs.audit)),
    ];
    const funnelRowsPruned = await this.repo.pruneFunnelBefore(cutoffs.audit);
    if (dropped.length > 0 || funnelRowsPruned > 0) {
      this.logger.log(
        `dropped ${dropped.length} partitions (${dropped.join(', ')}), pruned ${funnelRowsPruned} funnel counters; ` +
          `events kept from ${cutoffs.events.toISOString()}, audit from ${cutoffs.audit.toISOString()}`,
      );
    }
    return { cutoffs, dropped, funnelRowsPruned };
  }
}
