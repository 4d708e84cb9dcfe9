import camelCase from 'lodash/camelCase';
import { setOwn, type Dict } from '../util/types';

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
  if (Array.isArray(value)) {
    if (value.every((v) => typeof v === 'string')) return 'strs';
    if (value.every((v) => typeof v === 'boolean')) return 'bools';
    if (value.every((v) => typeof v === 'number')) return 'reals';
    if (value.every(isValidDate)) return 'dates';
    if (value.every((v) => typeof v === 'object' && v !== null)) return 'objs';
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

function normaliseLevel(obj: object, camel: boolean, suffix: boolean, depth: number): Dict {
  const out: Dict = {};
  const keys = Object.keys(obj);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i];
    const value = (obj as Dict)[key];
    let name = transformKey(key, camel);
    if (suffix) name = addSuffix(name, value);
    let next = value;
    if (typeof value === 'object' && value !== null && inferType(value) === 'obj') {
      next = depth + 1 > MAX_DEPTH ? value : normaliseLevel(value, camel, suffix, depth + 1);
    }
    setOwn(out, name, next);
  }
  return out;
}

/**
 * normalise(obj, {camelCase?, typeSuffix?}): falsy → {}; keys are transformed on levels 1–5,
 * deeper objects are copied by reference untouched.
 */
export function normalise(obj: unknown, opts?: NormaliseOptions): Record<string, unknown> {
  if (!obj) return {};
  if (typeof obj !== 'object' && typeof obj !== 'string') return {};
  return normaliseLevel(Object(obj) as object, opts?.camelCase === true, opts?.typeSuffix === true, 1);
}
