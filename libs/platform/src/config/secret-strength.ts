/**
 * Production checks of the two operator secrets. A value copied from an example, or too short to be
 * random, would start the apps with a secret anyone can read in this repository, so production refuses it.
 * Problems are phrased to follow the variable's name and never contain the value.
 */

export const GENERATE_ADMIN_TOKEN = 'openssl rand -hex 32';
export const GENERATE_SECRETS_KEY = 'openssl rand -base64 32';

/** Words that only appear in values copied from an example (random base64 or hex practically never holds them). */
const PLACEHOLDER_MARKERS = ['change-me', 'change_me', 'changeme', 'replace-me', 'replaceme', 'placeholder', 'example'];

export const MIN_PRODUCTION_ADMIN_TOKEN_LENGTH = 32;
/** A random 32-byte key has about 30 distinct byte values; fewer than this means a pattern, not randomness. */
const MIN_DISTINCT_KEY_BYTES = 16;
const MIN_DISTINCT_TOKEN_CHARS = 8;

export function placeholderMarker(value: string): string | undefined {
  const lower = value.toLowerCase();
  return PLACEHOLDER_MARKERS.find((m) => lower.includes(m));
}

/** The 32 key bytes of a hex (64 digits), base64 or base64url (43 characters, one optional `=`) value. */
export function decodeSecretsKey(value: string): Buffer | undefined {
  if (/^[0-9a-fA-F]{64}$/.test(value)) return Buffer.from(value, 'hex');
  if (/^[A-Za-z0-9+/]{43}=?$/.test(value)) return Buffer.from(value, 'base64');
  if (/^[A-Za-z0-9_-]{43}$/.test(value)) return Buffer.from(value, 'base64url');
  return undefined;
}

function distinct(values: Iterable<unknown>): number {
  return new Set(values).size;
}

/** Why ADMIN_TOKEN is unfit for production (empty when it is fine). */
export function productionAdminTokenProblems(token: string): string[] {
  const marker = placeholderMarker(token);
  if (marker !== undefined) {
    return [`is a placeholder (contains "${marker}"); generate a random token: ${GENERATE_ADMIN_TOKEN}`];
  }
  if (token.length < MIN_PRODUCTION_ADMIN_TOKEN_LENGTH || distinct(token) < MIN_DISTINCT_TOKEN_CHARS) {
    return [
      `is too weak for NODE_ENV=production: use at least ${MIN_PRODUCTION_ADMIN_TOKEN_LENGTH} random characters (${GENERATE_ADMIN_TOKEN})`,
    ];
  }
  return [];
}

/** Why SECRETS_KEY is unfit for production (empty when it is fine). */
export function productionSecretsKeyProblems(key: string): string[] {
  const marker = placeholderMarker(key);
  if (marker !== undefined) {
    return [`is a placeholder (contains "${marker}"); generate 32 random bytes: ${GENERATE_SECRETS_KEY}`];
  }
  const bytes = decodeSecretsKey(key);
  if (bytes === undefined) {
    return [
      `must be 32 random bytes, base64- or hex-encoded, when NODE_ENV=production (generate one: ${GENERATE_SECRETS_KEY})`,
    ];
  }
  if (distinct(bytes) < MIN_DISTINCT_KEY_BYTES) {
    return [`is not random (too few distinct bytes); generate 32 random bytes: ${GENERATE_SECRETS_KEY}`];
  }
  return [];
}
