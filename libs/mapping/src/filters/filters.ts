import { parseTrigger, TriggerSyntaxError, type TriggerProgram } from '../trigger';
import type { DestinationFilter, FilterEffect } from '../types';
import { hasOwn, isPlainObject, setOwn, type Dict } from '../util/types';

const SECTIONS = ['properties', 'traits', 'context'] as const;

export interface CompiledFilter {
  condition: TriggerProgram;
  effect: FilterEffect;
}

/** Validates one destination filter; returns messages naming the problem. */
export function validateFilter(filter: unknown, index: number): string[] {
  const where = `filters[${index}]`;
  if (!isPlainObject(filter)) return [`${where} must be an object`];
  const issues: string[] = [];
  if (typeof filter.condition !== 'string') issues.push(`${where}.condition must be an FQL string`);
  else {
    try {
      parseTrigger(filter.condition);
    } catch (err) {
      const msg = err instanceof TriggerSyntaxError ? err.message : String(err);
      issues.push(`${where}.condition is not valid FQL: ${msg}`);
    }
  }
  const effect = filter.effect;
  if (!isPlainObject(effect)) issues.push(`${where}.effect must be an object`);
  else if (effect.type === 'drop') {
    // nothing else needed
  } else if (effect.type === 'keep_fields' || effect.type === 'drop_fields') {
    if (!isPlainObject(effect.fields)) issues.push(`${where}.effect.fields must be an object`);
    else {
      for (const key of Object.keys(effect.fields)) {
        const list = effect.fields[key];
        if (!(SECTIONS as readonly string[]).includes(key)) {
          issues.push(`${where}.effect.fields.${key} is not supported (use properties, traits or context)`);
        } else if (!Array.isArray(list) || !list.every((x) => typeof x === 'string')) {
          issues.push(`${where}.effect.fields.${key} must be an array of strings`);
        }
      }
    }
  } else {
    issues.push(`${where}.effect.type must be one of drop, keep_fields, drop_fields`);
  }
  return issues;
}

export function compileFilter(filter: DestinationFilter): CompiledFilter {
  return { condition: parseTrigger(filter.condition), effect: filter.effect };
}

function pick(obj: unknown, keep: readonly string[]): unknown {
  if (!isPlainObject(obj)) return obj;
  const out: Dict = {};
  for (const k of Object.keys(obj)) if (keep.includes(k)) setOwn(out, k, obj[k]);
  return out;
}

function omit(obj: unknown, drop: readonly string[]): unknown {
  if (!isPlainObject(obj)) return obj;
  const out: Dict = {};
  for (const k of Object.keys(obj)) if (!drop.includes(k)) setOwn(out, k, obj[k]);
  return out;
}

/**
 * Applies the filters in order. Returns `null` when the event is dropped, otherwise the (possibly
 * shallow-copied) event; the input event is never mutated.
 */
export function applyFilters(
  filters: readonly CompiledFilter[],
  event: Record<string, unknown>,
): Record<string, unknown> | null {
  let current = event;
  for (const f of filters) {
    if (!f.condition.matches(current)) continue;
    const effect = f.effect;
    if (effect.type === 'drop') return null;
    const copy: Dict = current === event ? { ...event } : current;
    for (const section of SECTIONS) {
      const list = effect.fields[section];
      if (!list || !hasOwn(copy, section)) continue;
      const next = effect.type === 'keep_fields' ? pick(copy[section], list) : omit(copy[section], list);
      setOwn(copy, section, next);
    }
    current = copy;
  }
  return current;
}
