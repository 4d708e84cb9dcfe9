import {
  ConfigValidationError,
  DestinationConfig,
  compileDestination,
  toSubscription,
  validateSubscription,
  type CompiledDestination,
  type MappingInput,
} from '@fsd/mapping';
import { invalid } from '../common/admin-errors';

// One builder for the preview and the worker (libs/mapping); the admin API's names kept for its callers.
export {
  REGION_BASE_URLS,
  effectiveBaseUrl,
  toSubscription,
  buildDestinationConfig as pipelineConfig,
} from '@fsd/mapping';
export type { MappingInput } from '@fsd/mapping';

/** One mapping on its own: 400 invalid_mapping listing every problem (the field keys are named). */

/** Stands in for the API key wherever requests are only built, never sent (validation, preview). */
export const PLACEHOLDER_API_KEY = 'api-key-placeholder';
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
