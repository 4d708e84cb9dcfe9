import { defaultMapping } from '../schema/fields';
import { compileDestination } from '../pipeline/pipeline';
import { parseTrigger } from '../trigger';
import { validateMapping } from '../mapping/validate';
import type { ActionId, CompiledDestination, DestinationConfig, PreparedRequest, Subscription } from '../types';
import { isPlainObject } from '../util/types';

/** Options of the preview CLI (and of the vectors tests, which use the same path). */
export interface PreviewOptions {
  action?: ActionId;
  mapping?: Record<string, unknown>;
  trigger?: string;
  apiKey?: string;
  baseUrl?: string;
}

/** One output line: exactly the vectors' `expect` shape. */
export interface PreviewLine {
  messageId: string | null;
  actions: ActionId[];
  requests: PreparedRequest[];
  errors: Array<{ action: ActionId; message: string }>;
}

/**
 * The trigger of a preview without `--trigger`: true for every event (`userId` is either missing or
 * null, or it is not), so "run this action on every event" is an ordinary subscription that the
 * admin API can store and the delivery worker can run.
 */
export const EVERY_EVENT_TRIGGER = 'userId = null or userId != null';

/**
 * The destination configuration a preview stands for: the presets alone, or one action (presets
 * off) with its default (or given) mapping, on every event unless a trigger is given. It is the
 * shape the admin API stores and the worker compiles, so all three run the same pipeline.
 */
export function previewConfig(opts: PreviewOptions): DestinationConfig {
  const settings = { apiKey: opts.apiKey ?? 'test-api-key', baseUrl: opts.baseUrl };
  if (!opts.action) return { settings, presets: { trackEvent: true, identifyUser: true } };
  const subscription: Subscription = {
    id: 'preview',
    name: 'preview',
    enabled: true,
    trigger: opts.trigger ?? EVERY_EVENT_TRIGGER,
    action: opts.action,
    mapping: opts.mapping ?? defaultMapping(opts.action),
  };
  return { settings, presets: { trackEvent: false, identifyUser: false }, mappings: [subscription] };
}

/**
 * Compiles {@link previewConfig} with compileDestination, as the worker and the admin preview do.
 * Throws on an invalid trigger or mapping (the CLI reports them before reading events).
 */
export function buildPreviewDestination(opts: PreviewOptions): CompiledDestination {
  const config = previewConfig(opts);
  const sub = config.mappings?.[0];
  if (sub) {
    const problems = validateMapping(sub.mapping);
    if (!isPlainObject(sub.mapping)) problems.unshift('the mapping must be a JSON object');
    if (problems.length > 0) throw new Error(`invalid mapping: ${problems.join(' ')}`);
    parseTrigger(sub.trigger);
  }
  return compileDestination(config);
}

/** Runs one event and shapes the result like the vectors' `expect`. */
export function previewEvent(dest: CompiledDestination, event: unknown): PreviewLine {
  const messageId = isPlainObject(event) && typeof event.messageId === 'string' ? event.messageId : null;
  if (!isPlainObject(event)) return { messageId, actions: [], requests: [], errors: [] };
  const result = dest.run(event);
  return {
    messageId,
    actions: result.actions,
    requests: result.requests.map((r) => r.request),
    errors: result.errors.map((e) => ({ action: e.action, message: e.message })),
  };
}
