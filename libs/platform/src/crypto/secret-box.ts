import { createCipheriv, createDecipheriv, createHash, hash, randomBytes, timingSafeEqual } from 'crypto';

/**
 * Encrypts secrets at rest (FullStory API keys) with AES-256-GCM under a key derived from SECRETS_KEY.
 * Format: v1.<iv>.<tag>.<ciphertext>, each base64url.
 */
export class SecretBox {
  private readonly key: Buffer;

  constructor(secretsKey: string) {
    this.key = createHash('sha256').update(secretsKey, 'utf8').digest();
  }

  encrypt(plaintext: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return ['v1', iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), ct.toString('base64url')].join(
      '.',
    );
  }

  decrypt(sealed: string): string {
    const [version, iv, tag, ct] = sealed.split('.');
    if (version !== 'v1' || !iv || !tag || ct === undefined) throw new Error('Unrecognised encrypted secret format');
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    try {
      return Buffer.concat([decipher.update(Buffer.from(ct, 'base64url')), decipher.final()]).toString('utf8');
    } catch {
      // Never echo the ciphertext or key material.
      throw new Error('Cannot decrypt a stored secret: SECRETS_KEY differs from the one it was encrypted with');
    }
  }
}

/** Write keys are random and high-entropy, so a fast unsalted hash is safe and allows lookup by hash. */
export function hashWriteKey(writeKey: string): string {
  // One-shot hash: a third of createHash's cost, and this runs on every tracking call.
  return hash('sha256', writeKey, 'hex');
}

/**
 * What a write key this service issued looks like (`wk_` + 24 random bytes, base64url; development keys are
 * `wk_dev_…`). Anything else is unknown without asking the database.
 */
export const WRITE_KEY_SHAPE = /^wk_[A-Za-z0-9_-]{16,64}$/;

export function generateWriteKey(): string {
  return `wk_${randomBytes(24).toString('base64url')}`;
}

export function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a, 'utf8');
  const bb = Buffer.from(b, 'utf8');
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}
