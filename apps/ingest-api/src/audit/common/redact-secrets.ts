/** A write key in any spelling a client might send it: writeKey, write_key, WRITEKEY... */
const SECRET_KEY = /^write[_-]?key$/i;

export const REDACTED = '[redacted]';

/**
 * A copy of a stored item with every write-key field (at any depth) replaced by REDACTED, for showing
 * rejected items to operators: a client that put its write key in the body must not see it echoed.
 */
export function redactSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactSecrets);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    // defineProperty: a "__proto__" key in the item stays a plain field of the copy.
    Object.defineProperty(out, key, {
      value: SECRET_KEY.test(key) ? REDACTED : redactSecrets(v),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}
