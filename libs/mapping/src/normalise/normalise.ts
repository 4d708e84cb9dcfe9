import camelCase from 'lodash/camelCase';
import { assignCopy, inheritedArray } from '../util/assign-copy';
import { hasOwn, type Dict } from '../util/types';

/** Property-name normalisation (fullstory-destination.md §4). */
export interface NormaliseOptions {
  camelCase?: boolean;
  typeSuffix?: boolean;
}

export const KNOWN_SUFFIXES: ReadonlySet<string> = new Set([
  'str',
  'bool',
  'real',
  'int',
  'date',
  'strs',
  'bools',
  'reals',
  'ints',
  'dates',
  'objs',
  'obj',
]);

const MAX_DEPTH = 5;
const STRIP = /[^A-Za-z0-9_]/g;
const NEEDS_STRIP = /[^A-Za-z0-9_]/;

export type InferredType =
  'str' | 'bool' | 'real' | 'date' | 'strs' | 'bools' | 'reals' | 'dates' | 'objs' | 'obj' | undefined;

function isValidDate(v: unknown): boolean {
  return v instanceof Date && !Number.isNaN(v.getTime());
}

type Check = (v: unknown) => boolean;
const isString: Check = (v) => typeof v === 'string';
const isBoolean: Check = (v) => typeof v === 'boolean';
const isNumber: Check = (v) => typeof v === 'number';
const isTruthyObject: Check = (v) => typeof v === 'object' && v !== null;

/**
 * The reference's array test: `instanceof Array`, then items 0 … length-1 all pass. A copy that
 * inherits from an array (assign-copy.ts) passes `instanceof Array`; its own `length` and index keys
 * shadow the array's. `i < length` keeps JavaScript's comparison (a non-numeric length ends the
 * loop at once) and the loop ends at the first missing item, so it is bounded by the keys present.
 */
function everyItem(value: object, check: Check): boolean {
  if (Array.isArray(value)) return value.every(check);
  const proto = inheritedArray(value) as readonly unknown[];
  const own = value as Record<string, unknown>;
  const length = hasOwn(own, 'length') ? own.length : proto.length;
  for (let i = 0; i < (length as number); i++) {
    const key = String(i);
    if (!check(hasOwn(own, key) ? own[key] : proto[i])) return false;
  }
  return true;
}

/** The array checks of inferType in one pass (first match in the same order; `[]` is `strs`). */
function arrayType(value: readonly unknown[]): InferredType {
  let str = true;
  let bool = true;
  let num = true;
  let date = true;
  let obj = true;
  for (let i = 0; i < value.length && (str || bool || num || date || obj); i++) {
    const v = value[i];
    const t = typeof v;
    str &&= t === 'string';
    bool &&= t === 'boolean';
    num &&= t === 'number';
    obj &&= t === 'object' && v !== null;
    date &&= obj && isValidDate(v);
  }
  if (str) return 'strs';
  if (bool) return 'bools';
  if (num) return 'reals';
  if (date) return 'dates';
  if (obj) return 'objs';
  return 'obj';
}

/** Infers a FullStory type suffix; first match wins (`int`/`ints` are never inferred because `real(s)` comes first). */
export function inferType(value: unknown): InferredType {
  switch (typeof value) {
    case 'string':
      return 'str';
    case 'boolean':
      return 'bool';
    case 'number':
      return 'real';
    case 'object':
      break;
    default:
      return undefined;
  }
  if (value === null) return undefined;
  if (isValidDate(value)) return 'date';
  if (Array.isArray(value)) return arrayType(value);
  if (inheritedArray(value) !== undefined) {
    if (everyItem(value, isString)) return 'strs';
    if (everyItem(value, isBoolean)) return 'bools';
    if (everyItem(value, isNumber)) return 'reals';
    if (everyItem(value, isValidDate)) return 'dates';
    if (everyItem(value, isTruthyObject)) return 'objs';
  }
  return 'obj';
}

function transform(part: string, camel: boolean): string {
  const s = camel ? camelCase(part) : part;
  return NEEDS_STRIP.test(s) ? s.replace(STRIP, '') : s;
}

/** Split on `_`; a known last part is kept as the suffix and the rest is transformed. */
export function transformKey(key: string, camel: boolean): string {
  const idx = key.lastIndexOf('_');
  if (idx >= 0 && KNOWN_SUFFIXES.has(key.slice(idx + 1))) {
    return transform(key.slice(0, idx), camel) + key.slice(idx);
  }
  return transform(key, camel);
}

/** Appends `_<type>` unless the value is undefined, the name already ends in a known suffix, or the type is obj/unknown. */
export function addSuffix(name: string, value: unknown): string {
  if (value === undefined) return name;
  const idx = name.lastIndexOf('_');
  if (idx >= 0 && KNOWN_SUFFIXES.has(name.slice(idx + 1))) return name;
  const type = inferType(value);
  if (type === undefined || type === 'obj') return name;
  return `${name}_${type}`;
}

/**
 * A key's normalised name is a pure function of the key, and keys recur across events (property
 * names come from a small vocabulary), so names are kept: bounded in count and key length, cleared
 * when full. Each entry also keeps its suffixed forms.
 */
interface NameEntry {
  name: string;
  /** The name already ends in a known suffix: addSuffix leaves it as it is. */
  suffixed: boolean;
  typed: Partial<Record<Exclude<InferredType, undefined>, string>>;
}
const NAME_CACHE_LIMIT = 5000;
const KEY_LENGTH_LIMIT = 200;
const nameCaches = [new Map<string, NameEntry>(), new Map<string, NameEntry>()];

function newEntry(name: string): NameEntry {
  const idx = name.lastIndexOf('_');
  return { name, suffixed: idx >= 0 && KNOWN_SUFFIXES.has(name.slice(idx + 1)), typed: {} };
}

function nameEntry(key: string, camel: boolean): NameEntry {
  if (key.length > KEY_LENGTH_LIMIT) return newEntry(transformKey(key, camel));
  const cache = nameCaches[camel ? 1 : 0];
  let entry = cache.get(key);
  if (entry === undefined) {
    entry = newEntry(transformKey(key, camel));
    if (cache.size >= NAME_CACHE_LIMIT) cache.clear();
    cache.set(key, entry);
  }
  return entry;
}

/** addSuffix on a cached name. */
function suffixedName(entry: NameEntry, value: unknown, type: InferredType): string {
  if (value === undefined || entry.suffixed || type === undefined || type === 'obj') return entry.name;
  return (entry.typed[type] ??= `${entry.name}_${type}`);
}

function normaliseLevel(obj: object, camel: boolean, suffix: boolean, depth: number): Dict {
  const out: Dict = {};
  const keys = Object.keys(obj);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i];
    // The reference normalises a copy made by assignment, which never has this key (§2).
    if (key === '__proto__') continue;
    const value = (obj as Dict)[key];
    const isObject = typeof value === 'object' && value !== null;
    // Only suffixes and the decision to recurse need the type.
    const type = suffix || isObject ? inferType(value) : undefined;
    const entry = nameEntry(key, camel);
    const name = suffix ? suffixedName(entry, value, type) : entry.name;
    let next = value;
    if (isObject) {
      next =
        type === 'obj' && depth + 1 <= MAX_DEPTH ? normaliseLevel(value, camel, suffix, depth + 1) : assignCopy(value);
    }
    // The reference assigns: a name that comes out as `__proto__` never becomes a key (§2).
    if (name !== '__proto__') out[name] = next;
  }
  return out;
}

/**
 * normalise(obj, {camelCase?, typeSuffix?}): falsy → {}; keys are transformed on levels 1–5,
 * deeper objects are kept as they are.
 *
 * Every object of a request body comes out of here (the other fields are validated scalars), so
 * this is also where the reference's copy by assignment happens (mapping-and-triggers.md §2): own
 * `__proto__` keys are skipped on levels 1–5 and dropped deeper by assignCopy, and an object whose
 * `__proto__` is an array is typed like the reference's copy of it (see inferType).
 */
export function normalise(obj: unknown, opts?: NormaliseOptions): Record<string, unknown> {
  if (!obj) return {};
  if (typeof obj !== 'object' && typeof obj !== 'string') return {};
  return normaliseLevel(Object(obj) as object, opts?.camelCase === true, opts?.typeSuffix === true, 1);
}
