import { ActionBuildError, REQUEST_BUILDERS, type RequestBuilder } from '../actions';
import { requestContext, type RequestContext } from '../actions/http';
import { ConfigValidationError } from '../errors';
import { applyFilters, compileFilter, validateFilter, type CompiledFilter } from '../filters/filters';
import { isBlockedByIntegrations } from '../integrations/integrations';
import { compileMapping } from '../mapping/compile';
import { MappingError } from '../mapping/types';
import { validateMapping } from '../mapping/validate';
import { PRESETS } from '../presets';
import { ACTION_FIELDS, type FieldDef } from '../schema/fields';
import { validatePayload } from '../schema/validate';
import { parseTrigger, TriggerSyntaxError } from '../trigger';
import {
  ACTION_IDS,
  isActionId,
  MAX_FILTERS,
  MAX_MAPPINGS,
  type ActionError,
  type ActionId,
  type ActionRequest,
  type CompiledDestination,
  type DestinationConfig,
  type DestinationSettings,
  type PipelineResult,
} from '../types';
import { isPlainObject, type Dict } from '../util/types';

/** A subscription ready to run. `trigger: null` means "always" (used by the preview CLI). */
export interface SubscriptionSpec {
  id: string;
  action: ActionId;
  trigger: unknown;
  mapping: Record<string, unknown>;
}

interface CompiledSubscription {
  id: string;
  action: ActionId;
  match: ((event: Record<string, unknown>) => boolean) | null;
  triggerError?: string;
  resolve: (data: unknown) => unknown;
  fields: readonly FieldDef[];
  build: RequestBuilder;
}

function compileSubscription(spec: SubscriptionSpec): CompiledSubscription {
  let match: CompiledSubscription['match'] = null;
  let triggerError: string | undefined;
  if (spec.trigger === null) {
    match = () => true;
  } else if (typeof spec.trigger !== 'string') {
    triggerError = 'Failed to validate subscription';
  } else {
    try {
      const program = parseTrigger(spec.trigger);
      match = (event) => program.matches(event);
    } catch (err) {
      triggerError = `Invalid subscription : ${err instanceof Error ? err.message : String(err)}`;
    }
  }
  return {
    id: spec.id,
    action: spec.action,
    match,
    triggerError,
    resolve: compileMapping(spec.mapping),
    fields: ACTION_FIELDS[spec.action],
    build: REQUEST_BUILDERS[spec.action],
  };
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Runs one subscription against an event that passed routing and filters. */
function runSubscription(
  sub: CompiledSubscription,
  event: Record<string, unknown>,
  ctx: RequestContext,
  out: PipelineResult,
): void {
  if (sub.triggerError !== undefined || sub.match === null) {
    out.errors.push({
      subscriptionId: sub.id,
      action: sub.action,
      message: sub.triggerError ?? 'Failed to validate subscription',
      kind: 'trigger',
    });
    return;
  }
  if (!sub.match(event)) return;
  out.actions.push(sub.action);

  let resolved: unknown;
  try {
    resolved = sub.resolve(event);
  } catch (err) {
    const message = err instanceof MappingError ? err.message : `Mapping failed: ${errorMessage(err)}`;
    out.errors.push({ subscriptionId: sub.id, action: sub.action, message, kind: 'mapping' });
    return;
  }
  const payload: Dict = isPlainObject(resolved) ? resolved : {};
  const { value, errors } = validatePayload(payload, sub.fields);
  if (errors.length > 0) {
    out.errors.push({ subscriptionId: sub.id, action: sub.action, message: errors.join(' '), kind: 'validation' });
    return;
  }
  try {
    out.requests.push({ subscriptionId: sub.id, action: sub.action, request: sub.build(value, ctx) });
  } catch (err) {
    const kind = err instanceof ActionBuildError ? 'validation' : 'mapping';
    out.errors.push({ subscriptionId: sub.id, action: sub.action, message: errorMessage(err), kind });
  }
}

/** Builds a runnable destination from already-validated parts. */
export function buildDestination(
  settings: DestinationSettings,
  specs: readonly SubscriptionSpec[],
  filters: readonly CompiledFilter[] = [],
): CompiledDestination {
  const ctx = requestContext(settings);
  const subs = specs.map(compileSubscription);
  const hasFilters = filters.length > 0;
  return {
    run(event: Record<string, unknown>): PipelineResult {
      const out: PipelineResult = { actions: [], requests: [] as ActionRequest[], errors: [] as ActionError[] };
      if (!isPlainObject(event)) return out;
      if (isBlockedByIntegrations(event)) {
        out.blockedBy = 'integrations';
        return out;
      }
      let current: Record<string, unknown> = event;
      if (hasFilters) {
        const filtered = applyFilters(filters, event);
        if (filtered === null) {
          out.blockedBy = 'filter';
          return out;
        }
        current = filtered;
      }
      for (let i = 0; i < subs.length; i++) runSubscription(subs[i], current, ctx, out);
      return out;
    },
  };
}

/** Validates a subscription row; every message names the key it is about. */
export function validateSubscription(sub: unknown): string[] {
  if (!isPlainObject(sub)) return ['subscription: must be an object'];
  const issues: string[] = [];
  if (typeof sub.name !== 'string' || sub.name.trim() === '') issues.push('name: must be a non-empty string');
  if (sub.enabled !== undefined && typeof sub.enabled !== 'boolean') issues.push('enabled: must be a boolean');
  if (typeof sub.trigger !== 'string') issues.push('trigger: must be an FQL string');
  else {
    try {
      parseTrigger(sub.trigger);
    } catch (err) {
      issues.push(`trigger: ${err instanceof TriggerSyntaxError ? err.message : errorMessage(err)}`);
    }
  }
  if (!isActionId(sub.action)) {
    issues.push(`action: must be one of ${ACTION_IDS.join(', ')} but it is ${JSON.stringify(sub.action ?? null)}`);
  }
  issues.push(...mappingIssues(sub.mapping));
  return issues;
}

function mappingIssues(mapping: unknown): string[] {
  if (!isPlainObject(mapping)) return ['mapping: must be an object'];
  return validateMapping(mapping).map((m) => `mapping: ${m}`);
}

/**
 * Compiles triggers and mappings once. Throws ConfigValidationError on an invalid configuration
 * (bad mapping, more than 50 mappings or 10 filters, bad filter FQL). An invalid trigger does not
 * throw: that subscription reports a 'trigger' error for every event, like the reference.
 */
export function compileDestination(config: DestinationConfig): CompiledDestination {
  const issues: string[] = [];
  if (!isPlainObject(config)) throw new ConfigValidationError(['config: must be an object']);
  const settings = config.settings;
  if (!isPlainObject(settings) || typeof settings.apiKey !== 'string' || settings.apiKey === '') {
    issues.push('settings.apiKey: is required');
  } else if (settings.baseUrl !== undefined && typeof settings.baseUrl !== 'string') {
    issues.push('settings.baseUrl: must be a string');
  }

  const mappings = config.mappings ?? [];
  if (!Array.isArray(mappings)) issues.push('mappings: must be an array');
  else if (mappings.length > MAX_MAPPINGS)
    issues.push(`mappings: at most ${MAX_MAPPINGS} mappings are allowed, got ${mappings.length}`);

  const filters = config.filters ?? [];
  if (!Array.isArray(filters)) issues.push('filters: must be an array');
  else if (filters.length > MAX_FILTERS)
    issues.push(`filters: at most ${MAX_FILTERS} filters are allowed, got ${filters.length}`);

  const specs: SubscriptionSpec[] = [];
  const presets = config.presets ?? {};
  for (const preset of PRESETS) {
    const key = preset.id === 'preset:trackEvent' ? 'trackEvent' : 'identifyUser';
    if (presets[key] === false) continue;
    specs.push({ id: preset.id, action: preset.action, trigger: preset.trigger, mapping: preset.mapping });
  }

  if (Array.isArray(mappings)) {
    mappings.forEach((sub, i) => {
      const where = `mappings[${i}]`;
      if (!isPlainObject(sub)) {
        issues.push(`${where}: must be an object`);
        return;
      }
      if (sub.enabled === false) return;
      if (!isActionId(sub.action)) {
        issues.push(`${where}.action: must be one of ${ACTION_IDS.join(', ')}`);
        return;
      }
      const mIssues = mappingIssues(sub.mapping);
      if (mIssues.length > 0) {
        issues.push(...mIssues.map((m) => `${where}.${m}`));
        return;
      }
      const id = typeof sub.id === 'string' && sub.id !== '' ? sub.id : `mapping:${i}`;
      specs.push({ id, action: sub.action, trigger: sub.trigger, mapping: sub.mapping });
    });
  }

  const compiledFilters: CompiledFilter[] = [];
  if (Array.isArray(filters)) {
    filters.forEach((f, i) => {
      const fIssues = validateFilter(f, i);
      if (fIssues.length > 0) {
        issues.push(...fIssues);
        return;
      }
      if (f.enabled === false) return;
      compiledFilters.push(compileFilter(f));
    });
  }

  if (issues.length > 0) throw new ConfigValidationError(issues);
  return buildDestination(settings, specs, compiledFilters);
}
