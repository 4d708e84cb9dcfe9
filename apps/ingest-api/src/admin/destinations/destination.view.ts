import type { DestinationEntity, DestinationPresets, MappingEntity } from '@fsd/platform';
import { MappingView, toMappingView } from '../mappings/mapping.dto';

/** What the API shows of a destination: never the API key, only that one is set. */
export interface DestinationView {
  id: string;
  name: string;
  enabled: boolean;
  sourceIds: string[];
  apiKeySet: true;
  region: 'us' | 'eu' | null;
  baseUrl: string | null;
  /** The URL requests actually go to (baseUrl, else the region's, else the deployment default). */
  effectiveBaseUrl: string;
  presets: DestinationPresets;
  filters: unknown[];
  settings: Record<string, unknown>;
  mappings: MappingView[];
  eventRetentionDays: number | null;
  auditRetentionDays: number | null;
  createdAt: string;
  updatedAt: string;
}

export function toDestinationView(
  d: DestinationEntity,
  sourceIds: string[],
  mappings: MappingEntity[],
  effectiveBaseUrl: string,
): DestinationView {
  return {
    id: d.id,
    name: d.name,
    enabled: d.enabled,
    sourceIds,
    apiKeySet: true,
    region: d.region,
    baseUrl: d.baseUrl,
    effectiveBaseUrl,
    presets: d.presets,
    filters: d.filters,
    settings: d.settings,
    mappings: mappings.map(toMappingView),
    eventRetentionDays: d.eventRetentionDays,
    auditRetentionDays: d.auditRetentionDays,
    createdAt: d.createdAt.toISOString(),
    updatedAt: d.updatedAt.toISOString(),
  };
}
