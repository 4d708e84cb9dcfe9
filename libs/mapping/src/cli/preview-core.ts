import { defaultMapping } from '../schema/fields';
import { buildDestination, type SubscriptionSpec } from '../pipeline/pipeline';
import { PRESETS } from '../presets';
import { parseTrigger } from '../trigger';
import { validateMapping } from '../mapping/validate';
import type { ActionId, CompiledDestination, PreparedRequest } from '../types';
import { isPlainObject } from '../util/types';

/** Options of the preview CLI (and of the vectors test, which uses the same path). */
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
 * Builds the destination the preview runs: the presets, or one action with its default (or given)
 * mapping, unconditional unless a trigger is given. Throws on an invalid trigger or mapping.
 */
export function buildPreviewDestination(opts: PreviewOptions): CompiledDestination {
  const settings = { apiKey: opts.apiKey ?? 'test-api-key', baseUrl: opts.baseUrl };
  let specs: SubscriptionSpec[];
  if (!opts.action) {
    specs = PRESETS.map((p) => ({ id: p.id, action: p.action, trigger: p.trigger, mapping: p.mapping }));
  } else {
    const mapping = opts.mapping ?? defaultMapping(opts.action);
    const problems = validateMapping(mapping);
    if (!isPlainObject(mapping)) problems.unshift('the mapping must be a JSON object');
    if (problems.length > 0) throw new Error(`invalid mapping: ${problems.join(' ')}`);
    if (opts.trigger !== undefined) parseTrigger(opts.trigger);
    specs = [{ id: 'preview', action: opts.action, trigger: opts.trigger ?? null, mapping }];
  }
  return buildDestination(settings, specs);
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
