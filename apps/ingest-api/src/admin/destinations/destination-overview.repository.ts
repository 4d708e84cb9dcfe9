import { Inject, Injectable } from '@nestjs/common';
import { Pool } from 'pg';
import { type FunnelStage } from '@fsd/delivery-data';
import { PG_POOL } from '../../core/database/pg-pool.provider';

export interface FunnelCountRow {
  hour: Date;
  stage: FunnelStage;
  count: number;
}

export interface FunnelExample {
  eventId: string;
  receivedAt: Date;
}

/**
 * Reads of the delivery funnel (delivery_funnel_hourly, written by @fsd/delivery-data): the counters of one
 * destination's hours (summed over their shards), a primary-key range, so the cost follows the hours asked for,
 * not the events logged.
 */
@Injectable()
export class DestinationOverviewRepository {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  async exists(destinationId: string): Promise<boolean> {
    const { rows } = await this.pool.query('SELECT 1 FROM destinations WHERE id = $1', [destinationId]);
    return rows.length > 0;
  }

  async destinations(): Promise<{ id: string; name: string }[]> {
    const { rows } = await this.pool.query<{ id: string; name: string }>(
      'SELECT id::text, name FROM destinations WHERE archived_at IS NULL ORDER BY name, id',
    );
    return rows;
  }

  async counts(destinationId: string, from: Date, to: Date): Promise<FunnelCountRow[]> {
    const { rows } = await this.pool.query<{ hour: Date; stage: FunnelStage; count: string }>({
      name: 'destination-funnel-counts',
      text: `SELECT hour, stage, sum(count) AS count FROM delivery_funnel_hourly
              WHERE destination_id = $1 AND hour >= $2 AND hour < $3
              GROUP BY hour, stage HAVING sum(count) <> 0`,
      values: [destinationId, from, to],
    });
    return rows.map((r) => ({ hour: r.hour, stage: r.stage, count: Number(r.count) }));
  }

  /**
   * The latest few events counted in each stage (the deliveries' destination, status and reception index
   * narrows them; a stage is a status or a part of one).
   */
  async examples(destinationId: string, from: Date, to: Date, perStage: number): Promise<Map<string, FunnelExample[]>> {
    const { rows } = await this.pool.query<{ stage: string; event_id: string; received_at: Date }>(
      `SELECT s.stage, x.event_id::text, x.received_at
         FROM unnest($4::text[], $5::text[]) AS s(stage, status)
         CROSS JOIN LATERAL (
           SELECT d.event_id, d.event_received_at AS received_at FROM deliveries d
            WHERE d.destination_id = $1 AND d.status = s.status AND d.funnel_stage = s.stage
              AND d.event_received_at >= $2 AND d.event_received_at < $3
            ORDER BY d.event_received_at DESC LIMIT $6
         ) x`,
      [destinationId, from, to, STAGE_STATUS.map(([s]) => s), STAGE_STATUS.map(([, st]) => st), perStage],
    );
    const out = new Map<string, FunnelExample[]>();
    for (const r of rows) {
      const list = out.get(r.stage) ?? [];
      list.push({ eventId: r.event_id, receivedAt: r.received_at });
      out.set(r.stage, list);
    }
    return out;
  }
}

/** Each stage with the delivery status it is part of. */
const STAGE_STATUS: [FunnelStage, string][] = [
  ['received', 'pending'],
  ['blockedByIntegrations', 'skipped'],
  ['filtered', 'skipped'],
  ['noMatchingSubscription', 'skipped'],
  ['mappingError', 'failed'],
  ['delivered', 'delivered'],
  ['retrying', 'retrying'],
  ['failed', 'failed'],
  ['skipped', 'skipped'],
];
