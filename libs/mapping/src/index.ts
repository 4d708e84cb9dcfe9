export { ACTION_IDS, MAX_FILTERS, MAX_MAPPINGS, isActionId } from './types';
export type {
  ActionId,
  HttpMethod,
  PreparedRequest,
  Subscription,
  FilterEffect,
  DestinationFilter,
  DestinationSettings,
  DestinationConfig,
  ActionRequest,
  ActionError,
  PipelineResult,
  CompiledDestination,
} from './types';
export { ConfigValidationError, PayloadValidationError } from './errors';
export { compileDestination, validateSubscription } from './pipeline/pipeline';
export { validateMapping } from './mapping/validate';
export { parseTrigger, TriggerSyntaxError } from './trigger';
export type { TriggerProgram, TriggerNode } from './trigger';
export { ACTION_FIELDS, defaultMapping } from './schema/fields';
export type { FieldDef } from './schema/fields';
export { PRESETS } from './presets';
export type { Preset } from './presets';
export { buildDeleteRequest, buildTestConnectionRequest, testConnectionFailure, DEFAULT_BASE_URL } from './actions';
export { isBlockedByIntegrations } from './integrations/integrations';
export { normalise } from './normalise/normalise';
export type { NormaliseOptions } from './normalise/normalise';
export { buildPreviewDestination, previewConfig, previewEvent, EVERY_EVENT_TRIGGER } from './cli/preview-core';
export type { PreviewLine, PreviewOptions } from './cli/preview-core';
// Test support: the shared vectors (../shared/spec/vectors), so the apps can prove their paths on them too.
export { compareCase, loadVectors, optionsFor } from './cli/vector-cases';
export type { CaseComparison, VectorCase } from './cli/vector-cases';
export {
  REGION_BASE_URLS,
  buildDestinationConfig,
  effectiveBaseUrl,
  toSubscription,
} from './config/destination-config';
export type { MappingInput } from './config/destination-config';
