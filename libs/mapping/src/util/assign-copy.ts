import { hasOwn, type Dict } from './types';

/**
 * Copies by assignment, as the reference does when it cleans a resolved mapping
 * (mapping-and-triggers.md §2): every object, at any depth and inside arrays, loses its own
 * `__proto__` key and its `undefined` values. The reference's copy assigns that key, which sets
 * the copy's prototype instead of a property; when the value was an array, the copy then counts as
 * an array for FullStory's type inference. That one observable effect is recorded here, without
 * ever changing a prototype, and read back by {@link inheritedArray}.
 *
 * Copy-on-write: a value with nothing to drop is returned as it is (no allocation), so ordinary
 * events pay one walk. Input is JSON-like (no cycles).
 */
export function assignCopy(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  return Array.isArray(value) ? copyArray(value) : copyObject(value as Dict);
}

/** Arrays a copy "inherits from" (the value its source's own `__proto__` key had). */
const inheritedArrays = new WeakMap<object, readonly unknown[]>();

/** The array the reference's copy of this object would have as its prototype, if any. */
export function inheritedArray(value: object): readonly unknown[] | undefined {
  return inheritedArrays.get(value);
}

function copyArray(arr: readonly unknown[]): unknown[] | readonly unknown[] {
  let out: unknown[] | undefined;
  for (let i = 0; i < arr.length; i++) {
    const v = arr[i];
    const c = assignCopy(v);
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
  let out: Dict | undefined;
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i];
    const v = obj[k];
    const dropped = k === '__proto__' || v === undefined;
    const c = dropped ? undefined : assignCopy(v);
    if (!out && (dropped || c !== v)) out = prefix(obj, keys, i);
    if (out && !dropped) out[k] = c;
  }
  if (!out) return obj;
  if (hasOwn(obj, '__proto__')) {
    const proto = obj['__proto__'];
    if (Array.isArray(proto)) inheritedArrays.set(out, proto);
  }
  return out;
}

/** A fresh object with the first `n` keys (none of which is `__proto__`). */
function prefix(obj: Dict, keys: readonly string[], n: number): Dict {
  const out: Dict = {};
  for (let j = 0; j < n; j++) out[keys[j]] = obj[keys[j]];
  return out;
}
