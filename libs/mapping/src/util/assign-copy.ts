import { hasOwn, type Dict } from './types';

/**
 * Copies by assignment, as the reference does when it cleans a resolved mapping
 * (mapping-and-triggers.md §2): every object, at any depth and inside arrays, loses its own
 * `__proto__` key and its `undefined` values.
 *
 * Copy-on-write: a value with nothing to drop is returned as it is (no allocation), so ordinary
 * data pays one walk. Input is JSON-like (no cycles).
 */
export function assignCopy(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  return Array.isArray(value) ? copyArray(value) : copyObject(value as Dict);
}

/**
 * The reference's copy assigns an own `__proto__` key, which sets the copy's prototype instead of
 * a property. The one effect that shows in a request: when the value was an array, the copy counts
 * as an array for FullStory's type inference. This returns that array for an uncopied object.
 */
export function inheritedArray(value: object): readonly unknown[] | undefined {
  if (!hasOwn(value, '__proto__')) return undefined;
  const proto = (value as Dict)['__proto__'];
  return Array.isArray(proto) ? proto : undefined;
}

function copyArray(arr: readonly unknown[]): readonly unknown[] {
  let out: unknown[] | undefined;
  for (let i = 0; i < arr.length; i++) {
    const v = arr[i];
    const c = typeof v === 'object' && v !== null ? assignCopy(v) : v;
    if (out) out.push(c);
    else if (c !== v) {
      out = arr.slice(0, i);
      out.push(c);
    }
  }
  return out ?? arr;
}

function copyObject(obj: Dict): Dict {
  const keys = Object.keys(obj);
  let i = 0;
  let out: Dict | undefined;
  // Walk until the first change; most objects have none and are returned as they are.
  for (; i < keys.length && !out; i++) {
    const k = keys[i];
    const v = obj[k];
    if (k === '__proto__' || v === undefined) out = prefix(obj, keys, i);
    else if (typeof v === 'object' && v !== null) {
      const c = assignCopy(v);
      if (c !== v) {
        out = prefix(obj, keys, i);
        out[k] = c;
      }
    }
  }
  if (!out) return obj;
  for (; i < keys.length; i++) {
    const k = keys[i];
    const v = obj[k];
    if (k !== '__proto__' && v !== undefined) out[k] = typeof v === 'object' && v !== null ? assignCopy(v) : v;
  }
  return out;
}

/** A fresh object with the first `n` keys (none of which is `__proto__`). */
function prefix(obj: Dict, keys: readonly string[], n: number): Dict {
  const out: Dict = {};
  for (let j = 0; j < n; j++) out[keys[j]] = obj[keys[j]];
  return out;
}
