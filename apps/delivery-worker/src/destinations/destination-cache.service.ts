import { Inject, Injectable } from '@nestjs/common';
import { Pool } from 'pg';
import type { CompiledDestination } from '@fsd/mapping';
import { SecretBox, apiKeyBinding } from '@fsd/platform';
import { DeliverySettings, WORKER_CONFIG, WorkerConfig, mergeSettings } from '../config/worker.config';
import { PG_POOL } from '../database/pg-pool.provider';
import { compileRow, type DestinationRowConfig } from './destination-config';

export const REGION_BASE_URLS: Record<string, string> = {
  us: 'https://api.fullstory.com',
  eu: 'https://api.eu1.fullstory.com',
};

export interface LoadedDestination {
  id: string;
  enabled: boolean;
  version: string;
  settings: DeliverySettings;
  baseUrl: string;
  apiKey: string;
  /** Null when the stored configuration no longer compiles; compileError says why. */
  compiled: CompiledDestination | null;
  compileError: string | null;
  loadedAt: number;
}

/**
 * Destinations compiled once (triggers, mappings, filters) and cached; revalidated against
 * updated_at every DESTINATION_REFRESH_MS so admin changes apply within seconds.
 */
@Injectable()
export class DestinationCache {
  private readonly cache = new Map<string, LoadedDestination>();
  private readonly box: SecretBox;

  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(WORKER_CONFIG) private readonly config: WorkerConfig,
  ) {
    this.box = new SecretBox(config.secretsKey, config.secretsKeyPrevious);
  }

  /** Forgets a destination that changed, so the next job loads it again (see DestinationChanges). */
  invalidate(destinationId: string): void {
    this.cache.delete(destinationId);
  }

  async get(destinationId: string): Promise<LoadedDestination | null> {
    const cached = this.cache.get(destinationId);
    const now = Date.now();
    if (cached && now - cached.loadedAt < this.config.destinationRefreshMs) return cached;
    const { rows } = await this.pool.query<{ version: string }>(
      `SELECT GREATEST(d.updated_at, COALESCE((SELECT max(updated_at) FROM mappings m WHERE m.destination_id = d.id), d.updated_at))::text
              || ':' || (SELECT count(*) FROM mappings m WHERE m.destination_id = d.id) AS version
         FROM destinations d WHERE d.id = $1 AND d.archived_at IS NULL`,
      [destinationId],
    );
    if (!rows[0]) {
      this.cache.delete(destinationId);
      return null;
    }
    if (cached && cached.version === rows[0].version) {
      cached.loadedAt = now;
      return cached;
    }
    const loaded = await this.load(destinationId);
    if (loaded) this.cache.set(destinationId, loaded);
    return loaded;
  }

  private async load(destinationId: string): Promise<LoadedDestination | null> {
    const { rows } = await this.pool.query<
      DestinationRowConfig & {
        id: string;
        enabled: boolean;
        api_key_encrypted: string;
        region: string | null;
        base_url: string | null;
        settings: Record<string, unknown>;
        version: string;
      }
    >(
      `SELECT d.id::text, d.enabled, d.api_key_encrypted, d.region, d.base_url, d.presets, d.filters, d.settings,
              GREATEST(d.updated_at, COALESCE((SELECT max(updated_at) FROM mappings m WHERE m.destination_id = d.id), d.updated_at))::text
                || ':' || (SELECT count(*) FROM mappings m WHERE m.destination_id = d.id) AS version,
              COALESCE((SELECT json_agg(json_build_object('id', m.id, 'name', m.name, 'enabled', m.enabled,
                                 'trigger', m.trigger, 'action', m.action, 'mapping', m.mapping) ORDER BY m.position)
                          FROM mappings m WHERE m.destination_id = d.id), '[]'::json) AS mappings
         FROM destinations d WHERE d.id = $1 AND d.archived_at IS NULL`,
      [destinationId],
    );
    const row = rows[0];
    if (!row) return null;
    const baseUrl =
      row.base_url ?? (row.region ? REGION_BASE_URLS[row.region] : undefined) ?? this.config.fullstoryBaseUrl;
    const apiKey = this.box.open(row.api_key_encrypted, apiKeyBinding(row.id));
    const { compiled, compileError } = compileRow(row, { apiKey, baseUrl });
    return {
      id: row.id,
      enabled: row.enabled,
      version: row.version,
      settings: mergeSettings(this.config.defaults, row.settings),
      baseUrl,
      apiKey,
      compiled,
      compileError,
      loadedAt: Date.now(),
    };
  }
}
