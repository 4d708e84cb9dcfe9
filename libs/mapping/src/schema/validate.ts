import dayjs from 'dayjs';
import { article, hasOwn, isPlainObject, type Dict } from '../util/types';
import type { FieldDef, FieldType } from './fields';

/**
 * Schema validation with coercion (fullstory-destination.md §7 step 4), modelled on the reference
 * (ajv with coerceTypes "array", allErrors, removeAdditional): required errors first, then each
 * field in definition order.
 */

function jsonType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

const NO = Symbol('no-coercion');

function coerceScalar(type: FieldType, v: unknown): unknown {
  switch (type) {
    case 'string':
      if (typeof v === 'number' || typeof v === 'boolean') return String(v);
      if (v === null) return '';
      return NO;
    case 'boolean':
      if (v === 'true' || v === 1) return true;
      if (v === 'false' || v === 0 || v === null) return false;
      return NO;
    case 'datetime':
      if (typeof v === 'boolean') return String(v);
      if (v === null) return '';
      return NO;
    default:
      return NO;
  }
}

function matches(type: FieldType, v: unknown): boolean {
  switch (type) {
    case 'string':
      return typeof v === 'string';
    case 'boolean':
      return typeof v === 'boolean';
    case 'datetime':
      return typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v));
    case 'object':
      return isPlainObject(v);
  }
}

function coerce(type: FieldType, v: unknown): unknown {
  if (matches(type, v)) return v;
  if (type === 'object') return NO;
  if (Array.isArray(v) && v.length === 1) {
    const el: unknown = v[0];
    if (matches(type, el)) return el;
    return coerceScalar(type, el);
  }
  return coerceScalar(type, v);
}

/** `date-like` format of the reference: dayjs validity; numeric strings are read as unix seconds. */
export function isDateLike(value: string): boolean {
  const last = value.charCodeAt(value.length - 1);
  if ((last === 90 || last === 122) && String(Number(value)) !== value) {
    // dayjs parses strings ending in Z/z with the native Date parser (fast path, same result).
    return !Number.isNaN(new Date(value).getTime());
  }
  let date = dayjs(value);
  if (String(Number(value)) === value) date = dayjs.unix(Number(value));
  return date.isValid();
}

function expected(type: FieldType): string {
  switch (type) {
    case 'datetime':
      return 'a string or number';
    case 'object':
      return 'an object';
    default:
      return `${article(type)} ${type}`;
  }
}

export interface SchemaResult {
  value: Dict;
  errors: string[];
}

/** Root cleanup (§7 step 3): top-level `undefined`, `""` and `null` count as absent. */
function rootValue(payload: Dict, key: string): unknown {
  if (!hasOwn(payload, key)) return undefined;
  const v = payload[key];
  return v === '' || v === null ? undefined : v;
}

/**
 * Root cleanup + validation and coercion of a resolved payload; unknown keys are dropped.
 * Never mutates `payload`.
 */
export function validatePayload(payload: Dict, fields: readonly FieldDef[]): SchemaResult {
  const out: Dict = {};
  const errors: string[] = [];
  for (const f of fields) {
    if (f.required && rootValue(payload, f.key) === undefined) {
      errors.push(`The root value is missing the required field '${f.key}'.`);
    }
  }
  for (const f of fields) {
    const raw = rootValue(payload, f.key);
    if (raw === undefined) continue;
    const v = coerce(f.type, raw);
    if (v === NO) {
      const actual = jsonType(raw);
      errors.push(`${f.label} must be ${expected(f.type)} but it was ${article(actual)} ${actual}.`);
      continue;
    }
    if (f.type === 'datetime' && typeof v === 'string' && !isDateLike(v)) {
      errors.push(`${f.label} must be a valid date-like string but it was not.`);
      continue;
    }
    out[f.key] = v;
  }
  return { value: out, errors };
}
