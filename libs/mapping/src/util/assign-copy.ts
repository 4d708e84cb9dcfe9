import { hasOwn, type Dict } from './types';

/**
 * Copies by assignment, as the reference does when it cleans a resolved mapping
 * (mapping-and-triggers.md §2): every object, at any depth and inside arrays, loses its own
 * `__proto__` key and its `undefined` values.
 *
 * Copy-on-write: a value with nothing to drop is returned as it is (no allocation), so ordinary
 * data pays one walk. Input is JSON-like (no cycles). Below {@link RECURSION_LIMIT} levels the walk
 * goes on without recursion, so a deeply nested event (a 32 KB body can nest thousands of levels)
 * cannot overflow the call stack.
 */
export function assignCopy(value: unknown): unknown {
  return copyAt(value, 0);
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

const RECURSION_LIMIT = 64;

function copyAt(value: unknown, depth: number): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (depth >= RECURSION_LIMIT) return copyIteratively(value);
  return Array.isArray(value) ? copyArray(value, depth + 1) : copyObject(value as Dict, depth + 1);
}

/** Dropped from objects: the key assignment turns into a prototype, and undefined values. */
const dropped = (key: string, value: unknown): boolean => key === '__proto__' || value === undefined;

function copyArray(arr: readonly unknown[], depth: number): readonly unknown[] {
  let out: unknown[] | undefined;
  for (let i = 0; i < arr.length; i++) {
    const v = arr[i];
    const c = typeof v === 'object' && v !== null ? copyAt(v, depth) : v;
    if (out) out.push(c);
    else if (c !== v) {
      out = arr.slice(0, i);
      out.push(c);
    }
  }
  return out ?? arr;
}

function copyObject(obj: Dict, depth: number): Dict {
  const keys = Object.keys(obj);
  let i = 0;
  let out: Dict | undefined;
  // Walk until the first change; most objects have none and are returned as they are.
  for (; i < keys.length && !out; i++) {
    const k = keys[i];
    const v = obj[k];
    if (dropped(k, v)) out = prefix(obj, keys, i);
    else if (typeof v === 'object' && v !== null) {
      const c = copyAt(v, depth);
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
    if (!dropped(k, v)) out[k] = typeof v === 'object' && v !== null ? copyAt(v, depth) : v;
  }
  return out;
}

/** A fresh object with the first `n` keys (none of which is dropped). */
function prefix(obj: Dict, keys: readonly string[], n: number): Dict {
  const out: Dict = {};
  for (let j = 0; j < n; j++) out[keys[j]] = obj[keys[j]];
  return out;
}

/** One object or array being copied: its keys (null for an array), the next position, the copy once needed. */
interface Frame {
  src: Dict | readonly unknown[];
  keys: string[] | null;
  i: number;
  out: Dict | unknown[] | undefined;
}

function frameOf(value: object): Frame {
  return Array.isArray(value)
    ? { src: value, keys: null, i: 0, out: undefined }
    : { src: value as Dict, keys: Object.keys(value), i: 0, out: undefined };
}

function valueAt(f: Frame): unknown {
  return f.keys ? (f.src as Dict)[f.keys[f.i]] : (f.src as readonly unknown[])[f.i];
}

/** Makes the copy of the positions before the current one (they are unchanged). */
function startCopy(f: Frame): Dict | unknown[] {
  f.out ??= f.keys ? prefix(f.src as Dict, f.keys, f.i) : (f.src as readonly unknown[]).slice(0, f.i);
  return f.out;
}

function put(f: Frame, value: unknown): void {
  if (f.keys) (f.out as Dict)[f.keys[f.i]] = value;
  else (f.out as unknown[]).push(value);
}

/** The same copy as copyAt, with an explicit stack on the heap (exported for its tests). */
export function copyIteratively(root: object): unknown {
  const stack: Frame[] = [frameOf(root)];
  for (;;) {
    const f = stack[stack.length - 1];
    if (f.i < (f.keys ? f.keys.length : (f.src as readonly unknown[]).length)) {
      const v = valueAt(f);
      if (f.keys && dropped(f.keys[f.i], v)) startCopy(f);
      else if (typeof v === 'object' && v !== null) {
        stack.push(frameOf(v));
        continue; // f.i moves on when the child is done
      } else if (f.out) put(f, v);
      f.i++;
      continue;
    }
    stack.pop();
    const done = f.out ?? f.src;
    if (stack.length === 0) return done;
    const parent = stack[stack.length - 1];
    if (done !== valueAt(parent)) startCopy(parent);
    if (parent.out) put(parent, done);
    parent.i++;
  }
}
