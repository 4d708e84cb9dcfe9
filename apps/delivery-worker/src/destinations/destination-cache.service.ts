import { Inject, Injectable } from '@nestjs/common';
import { effectiveBaseUrl, type CompiledDestination } from '@fsd/mapping';
import { SecretBox, SharedInFlight, apiKeyBinding } from '@fsd/platform';
import { DeliverySettings, WORKER_CONFIG, WorkerConfig, mergeSettings } from '../config/worker.config';
import { DestinationRepository } from '../data/destination.repository';
import { compileRow } from './destination-config';

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
  private readonly revalidations = new SharedInFlight<string, LoadedDestination | null>();
  /** Bumped by every invalidation, so a read that was in flight then does not cache what it found. */
  private generation = 0;
  private readonly box: SecretBox;

  constructor(
    private readonly rows: DestinationRepository,
    @Inject(WORKER_CONFIG) private readonly config: WorkerConfig,
  ) {
    this.box = new SecretBox(config.secretsKey, config.secretsKeyPrevious);
  }

  /** Forgets a destination that changed, so the next job loads it again (see DestinationChanges). */
  invalidate(destinationId: string): void {
    this.cache.delete(destinationId);
    this.revalidations.forget(destinationId);
    this.generation++;
  }

  get(destinationId: string): Promise<LoadedDestination | null> {
    const cached = this.cache.get(destinationId);
    if (cached && Date.now() - cached.loadedAt < this.config.destinationRefreshMs) return Promise.resolve(cached);
    // One revalidation per destination at a time: every job that finds the entry expired meanwhile shares it
    // (at 200 jobs in flight each ran its own version query, ~70 a second instead of one per refresh).
    return this.revalidations.run(destinationId, () => this.revalidate(destinationId, cached));
  }

  private async revalidate(
    destinationId: string,
    cached: LoadedDestination | undefined,
  ): Promise<LoadedDestination | null> {
    // A change notified meanwhile (invalidate) wins over what this read found.
    const generation = this.generation;
    const version = await this.rows.version(destinationId);
    const current = generation === this.generation;
    if (version === null) {
      if (current) this.cache.delete(destinationId);
      return null;
    }
    if (cached && cached.version === version) {
      if (current) cached.loadedAt = Date.now();
      return cached;
    }
    const loaded = await this.load(destinationId);
    // Checked again after the load: the generation only grows, so equal now means no change notified throughout.
    if (loaded && generation === this.generation) this.cache.set(destinationId, loaded);
    return loaded;
  }

  private async load(destinationId: string): Promise<LoadedDestination | null> {
    const row = await this.rows.configRow(destinationId);
    if (!row) return null;
    const baseUrl = effectiveBaseUrl({ baseUrl: row.base_url, region: row.region }, this.config.fullstoryBaseUrl);
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
