import { compileDirective } from '../directives';
import { isPlainObject, type Dict } from '../util/types';
import { MappingError, type Resolver } from './types';
import { validateMapping } from './validate';

/** A plain object with an @-key whose other keys are only `_metadata`. */
export function isDirective(value: unknown): value is Dict {
  if (!isPlainObject(value)) return false;
  let hasAt = false;
  for (const k of Object.keys(value)) {
    if (k.startsWith('@')) hasAt = true;
    else if (k !== '_metadata') return false;
  }
  return hasAt;
}

/** Compiles any mapping value into a resolver (mapping-and-triggers.md §1). */
export function compileValue(value: unknown): Resolver {
  if (Array.isArray(value)) {
    const items = value.map(compileValue);
    return (data) => items.map((r) => r(data));
  }
  if (isDirective(value)) {
    const name = Object.keys(value).find((k) => k.startsWith('@')) as string;
    return compileDirective(name, value[name], compileValue, compileMapping);
  }
  if (isPlainObject(value)) {
    const keys = Object.keys(value);
    const resolvers = keys.map((k) => compileValue(value[k]));
    const n = keys.length;
    return (data) => {
      const out: Dict = {};
      for (let i = 0; i < n; i++) {
        const v = resolvers[i](data);
        // The reference assigns each key, so a `__proto__` key is resolved but never kept (§2).
        if (v !== undefined && keys[i] !== '__proto__') out[keys[i]] = v;
      }
      return out;
    };
  }
  return () => value;
}

/**
 * Compiles a complete mapping: validated once; an invalid mapping fails every time it runs.
 * The result has `undefined` keys removed. It still holds the event's own objects: the copy by
 * assignment (§2) is made where request bodies are built (normalise), or by @transform.
 */
export function compileMapping(mapping: unknown): (data: unknown) => unknown {
  const errors = validateMapping(mapping);
  if (errors.length > 0) {
    const message = errors.join(' ');
    return () => {
      throw new MappingError(message);
    };
  }
  return compileValue(mapping);
}
