import { hkdfSync } from 'crypto';

/** Fixed HKDF salt: SECRETS_KEY is the high-entropy input; the purpose strings keep the derived keys apart. */
const HKDF_SALT = 'fullstory-destination/secrets-key';

/**
 * A key for one purpose, derived from SECRETS_KEY with HKDF-SHA256, so one configured secret yields
 * independent keys (a leak or rotation of one use never exposes another). Every derived key goes through here.
 */
export function deriveKey(secretsKey: string, purpose: string, length = 32): Buffer {
  return Buffer.from(hkdfSync('sha256', Buffer.from(secretsKey, 'utf8'), HKDF_SALT, purpose, length));
}
