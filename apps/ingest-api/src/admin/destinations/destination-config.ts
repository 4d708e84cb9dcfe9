import {
  ConfigValidationError,
  DestinationConfig,
  DestinationFilter,
  Subscription,
  compileDestination,
  validateSubscription,
  type ActionId,
  type CompiledDestination,
} from '@fsd/mapping';
import type { DestinationEntity, MappingEntity } from '@fsd/platform';
import { invalid } from '../common/admin-errors';

/** Stands in for the API key wherever requests are only built, never sent (validation, preview). */
export const PLACEHOLDER_API_KEY = 'api-key-placeholder';

export const REGION_BASE_URLS: Record<'us' | 'eu', string> = {
  us: 'https://api.fullstory.com',
  eu: 'https://api.eu1.fullstory.com',
};

/** A destination's own base URL, else its region's, else the deployment's FULLSTORY_BASE_URL. */
export function effectiveBaseUrl(
  dest: Pick<DestinationEntity, 'baseUrl' | 'region'>,
  deploymentBaseUrl: string,
): string {
  return dest.baseUrl ?? (dest.region ? REGION_BASE_URLS[dest.region] : deploymentBaseUrl);
}

/** The subset of a mapping row the pipeline needs. */
export interface MappingInput {
  id?: string;
  name: string;
  enabled?: boolean;
  trigger: string;
  action: string;
  mapping: Record<string, unknown>;
}

export function toSubscription(m: MappingInput | MappingEntity): Subscription {
  return {
    id: m.id,
    name: m.name,
    enabled: m.enabled ?? true,
    trigger: m.trigger,
    action: m.action as ActionId,
    mapping: m.mapping,
  };
}

/** One mapping on its own: 400 invalid_mapping listing every problem (the field keys are named). */
export function assertValidMapping(m: MappingInput, where?: string): void {
  const issues = validateSubscription(toSubscription(m));
  if (issues.length > 0) {
    const label = where ? `${where} ("${m.name}")` : `Mapping "${m.name}"`;
    throw invalid(
      'invalid_mapping',
      `${label} is invalid: ${issues.join('; ')}`,
      issues.map((i) => (where ? `${where}.${i}` : i)),
    );
  }
}

/**
 * The whole configuration compiled like the delivery worker will compile it: 400
 * invalid_destination with the issues on failure. The API key given here is only used to build
 * requests; callers that validate pass a placeholder.
 */
export function compileOrThrow(config: DestinationConfig): CompiledDestination {
  try {
    return compileDestination(config);
  } catch (e) {
    if (e instanceof ConfigValidationError) {
      throw invalid(
        'invalid_destination',
        `The destination configuration is invalid: ${e.issues.join('; ')}`,
        e.issues,
      );
    }
    throw e;
  }
}

export function pipelineConfig(
  dest: Pick<DestinationEntity, 'presets' | 'filters'>,
  mappings: readonly (MappingInput | MappingEntity)[],
  settings: { apiKey: string; baseUrl: string },
): DestinationConfig {
  return {
    settings,
    presets: { trackEvent: dest.presets.trackEvent !== false, identifyUser: dest.presets.identifyUser !== false },
    mappings: mappings.map(toSubscription),
    filters: dest.filters as DestinationFilter[],
  };
}
