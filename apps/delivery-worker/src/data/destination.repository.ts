import { Inject, Injectable } from '@nestjs/common';
import { Pool } from 'pg';
import type { DestinationRowConfig } from '../destinations/destination-config';
import { PG_POOL } from './pg-pool.provider';

/** What a destination's queue needs: its settings and whether it takes jobs. */
export interface DestinationQueueRow {
  id: string;
  settings: Record<string, unknown>;
  enabled: boolean;
  paused: boolean;
}

/** What the worker compiles and delivers with: the row with its mappings in position order. */
export interface DestinationConfigRow extends DestinationRowConfig {
  id: string;
  enabled: boolean;
  api_key_encrypted: string;
  region: string | null;
  base_url: string | null;
  settings: Record<string, unknown>;
  version: string;
}

// A change of the row or of any of its mappings (or a mapping removed) gives a new version.
const VERSION = `GREATEST(d.updated_at, COALESCE((SELECT max(updated_at) FROM mappings m WHERE m.destination_id = d.id), d.updated_at))::text
  || ':' || (SELECT count(*) FROM mappings m WHERE m.destination_id = d.id)`;

// An archived destination receives nothing: it is left out, so its worker stops like a deleted one's.
const QUEUE_ROWS = 'SELECT id::text, settings, enabled, paused FROM destinations WHERE archived_at IS NULL';

/** The worker's reads of destinations and mappings (it writes neither). */
@Injectable()
export class DestinationRepository {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  /** Every unarchived destination, or only the one given. */
  async queueRows(destinationId?: string): Promise<DestinationQueueRow[]> {
    const { rows } = await this.pool.query<DestinationQueueRow>(
      destinationId === undefined ? QUEUE_ROWS : `${QUEUE_ROWS} AND id = $1`,
      destinationId === undefined ? [] : [destinationId],
    );
    return rows;
  }

  /** The configuration's version, or null when the destination is gone or archived. */
  async version(destinationId: string): Promise<string | null> {
    const { rows } = await this.pool.query<{ version: string }>({
      name: 'worker-destination-version',
      text: `SELECT ${VERSION} AS version FROM destinations d WHERE d.id = $1 AND d.archived_at IS NULL`,
      values: [destinationId],
    });
    return rows[0]?.version ?? null;
  }

  async configRow(destinationId: string): Promise<DestinationConfigRow | null> {
    const { rows } = await this.pool.query<DestinationConfigRow>(
      `SELECT d.id::text, d.enabled, d.api_key_encrypted, d.region, d.base_url, d.presets, d.filters, d.settings,
              ${VERSION} AS version,
              COALESCE((SELECT json_agg(json_build_object('id', m.id, 'name', m.name, 'enabled', m.enabled,
                                 'trigger', m.trigger, 'action', m.action, 'mapping', m.mapping) ORDER BY m.position)
                          FROM mappings m WHERE m.destination_id = d.id), '[]'::json) AS mappings
         FROM destinations d WHERE d.id = $1 AND d.archived_at IS NULL`,
      [destinationId],
    );
    return rows[0] ?? null;
  }

  /**
   * Every unarchived destination's id (the queue depth series). Archiving skips a destination's open deliveries,
   * so its queue holds nothing that would be sent, and its series leave /metrics with it.
   */
  async ids(): Promise<string[]> {
    const { rows } = await this.pool.query<{ id: string }>(
      'SELECT id::text FROM destinations WHERE archived_at IS NULL',
    );
    return rows.map((r) => r.id);
  }

  /** Postgres answers (for /health). */
  async ping(): Promise<void> {
    await this.pool.query('SELECT 1');
  }
}
