import { hkdfSync } from 'crypto';

/**
 * A 32-byte key for one purpose, derived from SECRETS_KEY with HKDF-SHA256, so one configured
 * secret yields independent keys (a leak or rotation of one use never exposes another).
 */
export function deriveKey(secretsKey: string, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', Buffer.from(secretsKey, 'utf8'), Buffer.alloc(0), `fsd/${purpose}`, 32));
}
