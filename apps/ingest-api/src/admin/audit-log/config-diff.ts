/** Fields whose values never enter the audit log: keys, hashes, tokens (at any depth). */
const SECRET_FIELD = /(api_?key|write_?key|secret|token|password)/i;
/** Changes on every write; not a change of configuration. */
const IGNORED = new Set(['updated_at', 'updatedAt']);

/** Whom a replay or a deletion concerns: personal data, which an append-only log must not keep (erasure). */
const PERSONAL_FIELD = /^user_?ids?$/i;

export const SECRET_MASK = '[secret]';
export const SECRET_CHANGED = '[secret changed]';

/** A copy with every secret-looking field replaced by SECRET_MASK, and user ids by their count. Pure. */
export function maskSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(maskSecrets);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    Object.defineProperty(out, key, {
      value: SECRET_FIELD.test(key) ? SECRET_MASK : PERSONAL_FIELD.test(key) ? personal(v) : maskSecrets(v),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

function personal(v: unknown): string {
  return Array.isArray(v) ? `[${v.length} user(s)]` : '[user]';
}

export type ConfigDiff = Record<string, { before: unknown; after: unknown }>;

/**
 * The fields that differ between two snapshots of a configuration row (null: it did not exist), secrets masked:
 * a changed secret shows only that it changed. Pure.
 */
export function configDiff(before: Record<string, unknown> | null, after: Record<string, unknown> | null): ConfigDiff {
  const out: ConfigDiff = {};
  const keys = [...new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})])].sort();
  for (const key of keys) {
    if (IGNORED.has(key)) continue;
    const b = before?.[key];
    const a = after?.[key];
    if (JSON.stringify(b) === JSON.stringify(a)) continue;
    const secret = SECRET_FIELD.test(key);
    Object.defineProperty(out, key, {
      value: secret
        ? { before: b === undefined ? null : SECRET_MASK, after: a === undefined ? null : SECRET_CHANGED }
        : { before: maskSecrets(b) ?? null, after: maskSecrets(a) ?? null },
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}
