import { Injectable } from '@nestjs/common';
import { FUNNEL_STAGES } from '@fsd/delivery-data';
import { notFound } from '../../core/errors/app-error';
import { DestinationOverviewRepository } from './destination-overview.repository';
import { funnelSeries, overviewRange, type StageCounts } from './destination-overview';
import type { FunnelExample } from './destination-overview.repository';

export interface OverviewQuery {
  from?: string;
  to?: string;
  /** Up to this many example events per stage (0: none). */
  examples?: number;
}

export interface OverviewAnswer {
  destinationId: string;
  from: string;
  to: string;
  total: number;
  stages: StageCounts;
  series: { hour: string; stages: StageCounts }[];
  /** With `examples` asked for: the latest events of each stage (ids only). */
  examples?: Record<string, FunnelExample[]>;
}

/**
 * The delivery funnel of a destination (like Segment's Delivery Overview): every event received for it in the
 * range, counted once in the stage where it stopped, or delivered; totals and one entry per hour.
 */
@Injectable()
export class DestinationOverviewService {
  constructor(private readonly repo: DestinationOverviewRepository) {}

  /** The destinations a funnel can be shown for (not archived), by name. */
  destinations(): Promise<{ id: string; name: string }[]> {
    return this.repo.destinations();
  }

  async overview(destinationId: string, q: OverviewQuery, now = new Date()): Promise<OverviewAnswer> {
    const range = overviewRange(q.from, q.to, now);
    const [exists, rows] = await Promise.all([
      this.repo.exists(destinationId),
      this.repo.counts(destinationId, range.from, range.to),
    ]);
    if (!exists) throw notFound(`No destination ${destinationId}`);
    const funnel = funnelSeries(range, rows);
    const answer = { destinationId, from: range.from.toISOString(), to: range.to.toISOString(), ...funnel };
    if (!q.examples) return answer;
    const found = await this.repo.examples(destinationId, range.from, range.to, q.examples);
    const examples = Object.fromEntries(FUNNEL_STAGES.map((s) => [s, found.get(s) ?? []]));
    return { ...answer, examples };
  }
}
