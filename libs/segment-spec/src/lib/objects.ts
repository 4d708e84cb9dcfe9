/**
 * True for plain objects: `{}` literals, `JSON.parse` output and `Object.create(null)`.
 * Arrays, class instances (Date, Map, Buffer…) and primitives are not plain objects.
 */
export function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** Reads an own property only, so nothing inherited (or polluted) from a prototype is ever seen. */
export function getOwn(obj: Record<string, unknown>, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(obj, key) ? obj[key] : undefined;
}

/**
 * Defines `key` as an own, enumerable data property. Plain assignment of `__proto__` would replace the
 * prototype instead (prototype pollution), so every write of a key that came from input goes through here.
 */
export function setOwn(obj: Record<string, unknown>, key: string, value: unknown): void {
  // `__proto__` is the only accessor on Object.prototype; every other key assigns as an own data
  // property, and plain assignment is several times cheaper than defineProperty on this hot path.
  if (key === '__proto__') {
    Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    obj[key] = value;
  }
}

/** Absent, `null` and `""` all count as missing (`segment-ingest.md` §4). */
export function isMissing(v: unknown): boolean {
  return v === undefined || v === null || v === '';
}

/**
 * Deep copy of JSON-like data onto fresh objects with `Object.prototype`. Own `__proto__` keys are copied as
 * ordinary data properties; arrays are copied; any other value (primitives, class instances) is kept as is.
 */
export function cloneJson<T>(value: T): T {
  return cloneValue(value) as T;
}

function cloneValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(cloneValue);
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) setOwn(out, key, cloneValue(value[key]));
  return out;
}

/** Shallow merge onto a fresh object; later sources win. Safe for own `__proto__` keys. */
export function mergeOwn(...sources: Record<string, unknown>[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const source of sources) {
    for (const key of Object.keys(source)) setOwn(out, key, source[key]);
  }
  return out;
}
