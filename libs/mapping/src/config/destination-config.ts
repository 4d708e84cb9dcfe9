import type { ActionId, DestinationConfig, DestinationFilter, Subscription } from '../types';

/**
 * How a stored destination becomes the configuration the pipeline compiles: one builder for the admin API's
 * validation and preview and for the delivery worker, so what is previewed is what is delivered.
 */

/** FullStory's API per region. */
export const REGION_BASE_URLS: Readonly<Record<'us' | 'eu', string>> = {
  us: 'https://api.fullstory.com',
  eu: 'https://api.eu1.fullstory.com',
};

/** A destination's own base URL, else its region's, else the deployment's FULLSTORY_BASE_URL. */
export function effectiveBaseUrl(
  dest: { baseUrl: string | null; region: string | null },
  deploymentBaseUrl: string,
): string {
  const regional = dest.region ? REGION_BASE_URLS[dest.region as 'us' | 'eu'] : undefined;
  return dest.baseUrl ?? regional ?? deploymentBaseUrl;
}

/** The subset of a stored mapping the pipeline needs. */
export interface MappingInput {
  id?: string;
  name: string;
  enabled?: boolean;
  trigger: string;
  action: string;
  mapping: Record<string, unknown>;
}

export function toSubscription(m: MappingInput): Subscription {
  return {
    id: m.id,
    name: m.name,
    enabled: m.enabled ?? true,
    trigger: m.trigger,
    action: m.action as ActionId,
    mapping: m.mapping,
  };
}

/** A destination's presets (both on unless turned off), mappings in position order and filters, with its settings. */
export function buildDestinationConfig(
  dest: { presets?: { trackEvent?: boolean; identifyUser?: boolean } | null; filters: readonly unknown[] },
  mappings: readonly MappingInput[],
  settings: { apiKey: string; baseUrl: string },
): DestinationConfig {
  return {
    settings,
    presets: { trackEvent: dest.presets?.trackEvent !== false, identifyUser: dest.presets?.identifyUser !== false },
    mappings: mappings.map(toSubscription),
    filters: dest.filters as DestinationFilter[],
  };
}
