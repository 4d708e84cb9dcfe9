/** Public types of the mapping library (the contract used by the delivery worker and the ingest admin API). */

export type ActionId = 'trackEvent' | 'identifyUser' | 'trackEventV2' | 'identifyUserV2';
export const ACTION_IDS: readonly ActionId[] = Object.freeze([
  'trackEvent',
  'identifyUser',
  'trackEventV2',
  'identifyUserV2',
] as ActionId[]);

export function isActionId(value: unknown): value is ActionId {
  return typeof value === 'string' && (ACTION_IDS as readonly string[]).includes(value);
}

export type HttpMethod = 'GET' | 'POST' | 'DELETE';

export interface PreparedRequest {
  method: HttpMethod;
  url: string;
  headers: Record<string, string>;
  body?: unknown;
}

/** A "mapping" row: at most 50 per destination. */
export interface Subscription {
  id?: string;
  name: string;
  enabled: boolean;
  /** FQL */
  trigger: string;
  action: ActionId;
  /** field -> directive or value */
  mapping: Record<string, unknown>;
}

export type FilterEffect =
  | { type: 'drop' }
  | { type: 'keep_fields' | 'drop_fields'; fields: { properties?: string[]; traits?: string[]; context?: string[] } };

/** At most 10 per destination. */
export interface DestinationFilter {
  id?: string;
  name?: string;
  enabled?: boolean;
  /** FQL */
  condition: string;
  effect: FilterEffect;
}

export interface DestinationSettings {
  apiKey: string;
  /** default https://api.fullstory.com, trailing / stripped */
  baseUrl?: string;
}

export interface DestinationConfig {
  settings: DestinationSettings;
  /** both default true */
  presets?: { trackEvent?: boolean; identifyUser?: boolean };
  /** user subscriptions, in addition to enabled presets */
  mappings?: Subscription[];
  filters?: DestinationFilter[];
}

export interface ActionRequest {
  /** mapping id, or 'preset:trackEvent' / 'preset:identifyUser' */
  subscriptionId: string;
  action: ActionId;
  request: PreparedRequest;
}

export interface ActionError {
  subscriptionId: string;
  action: ActionId;
  message: string;
  kind: 'validation' | 'mapping' | 'trigger';
}

export interface PipelineResult {
  /** event never reached the subscriptions */
  blockedBy?: 'integrations' | 'filter';
  /** actions whose trigger matched (presets first: Track Event then Identify User, then user mappings in order) */
  actions: ActionId[];
  requests: ActionRequest[];
  errors: ActionError[];
}

export interface CompiledDestination {
  run(event: Record<string, unknown>): PipelineResult;
}

export const MAX_MAPPINGS = 50;
export const MAX_FILTERS = 10;
