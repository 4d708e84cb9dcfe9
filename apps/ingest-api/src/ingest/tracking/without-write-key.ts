import { isPlainObject } from '@fsd/segment-spec';

/**
 * A message as it may be stored: the body's `writeKey` (a credential) removed, every other key kept
 * in its order. Returns the same object when there is nothing to remove (the common case: Basic auth).
 */
export function withoutWriteKey<T>(message: T): T {
  if (!isPlainObject(message) || !Object.prototype.hasOwnProperty.call(message, 'writeKey')) return message;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(message)) if (k !== 'writeKey') out[k] = v;
  return out as T;
}
