/** Small type helpers shared by the mapping library. */

export type Dict = Record<string, unknown>;

const hasOwnProperty = Object.prototype.hasOwnProperty;

/** True for own (never inherited) properties; works on strings and arrays too. */
export function hasOwn(target: unknown, key: string): boolean {
  return target != null && hasOwnProperty.call(target, key);
}

/** A plain (JSON-like) object: not null, not an array. */
export function isPlainObject(value: unknown): value is Dict {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export type RealType =
  'string' | 'number' | 'boolean' | 'null' | 'undefined' | 'array' | 'object' | 'function' | 'other';

/** Type names as used by the reference messages (`array` and `null` are distinct). */
export function realTypeOf(value: unknown): RealType {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  const t = typeof value;
  switch (t) {
    case 'string':
    case 'number':
    case 'boolean':
    case 'undefined':
    case 'object':
    case 'function':
      return t;
    default:
      return 'other';
  }
}

/** "a" or "an" for a type word. */
export function article(word: string): string {
  return /^[aeiou]/.test(word) ? 'an' : 'a';
}

/**
 * Sets an own enumerable property without ever touching the prototype chain
 * (a key named `__proto__` becomes a normal data property).
 */
export function setOwn(target: Dict, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    target[key] = value;
  }
}
