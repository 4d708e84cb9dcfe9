import { createCipheriv, createDecipheriv, createHash, hash, randomBytes, timingSafeEqual } from 'crypto';
import { deriveKey } from './derive-key';

/** The keys one SECRETS_KEY yields, each for one purpose only. */
export interface DerivedKeys {
  /** Names the key in ciphertexts (8 characters), so rotation knows which key opens which value. */
  id: string;
  /** AES-256-GCM key for API keys at rest. */
  encryption: Buffer;
  /** HMAC-SHA256 key (admin session cookies). */
  mac: Buffer;
  /** What versions before key derivation used as the AES key (SHA-256 of SECRETS_KEY): opens `v1` values. */
  legacyEncryption: Buffer;
}

export function deriveKeys(secretsKey: string): DerivedKeys {
  const derive = (purpose: string, length: number) => deriveKey(secretsKey, purpose, length);
  return {
    id: derive('key id', 6).toString('base64url'),
    encryption: derive('aes-256-gcm: destination api keys', 32),
    mac: derive('hmac-sha256: admin sessions', 32),
    legacyEncryption: createHash('sha256').update(secretsKey, 'utf8').digest(),
  };
}

const WRONG_KEY = 'Cannot decrypt a stored secret: SECRETS_KEY differs from the one it was encrypted with';

/**
 * Encrypts secrets at rest (FullStory API keys) with AES-256-GCM under a key derived (HKDF) from SECRETS_KEY.
 * Format `v2.<keyId>.<iv>.<tag>.<ciphertext>` (base64url parts); the ciphertext is bound to its row (the
 * binding is authenticated data), so a value copied to another row does not open. `v1.<iv>.<tag>.<ciphertext>`
 * (before key derivation: SHA-256 of SECRETS_KEY, no binding) still opens; `npm run rotate-secrets` re-seals.
 * Previous keys (SECRETS_KEY_PREVIOUS) open values during a rotation; only the current key seals.
 */
export class SecretBox {
  private readonly current: DerivedKeys;
  private readonly keys: DerivedKeys[];

  constructor(secretsKey: string, previousKeys: readonly string[] = []) {
    this.current = deriveKeys(secretsKey);
    this.keys = [this.current, ...previousKeys.filter((k) => k !== secretsKey).map(deriveKeys)];
  }

  get keyId(): string {
    return this.current.id;
  }

  seal(plaintext: string, binding: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.current.encryption, iv);
    cipher.setAAD(Buffer.from(binding, 'utf8'));
    const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return ['v2', this.current.id, iv, cipher.getAuthTag(), ct]
      .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
      .join('.');
  }

  open(sealed: string, binding: string): string {
    const parts = sealed.split('.');
    if (parts[0] === 'v2' && parts.length === 5) {
      const key = this.keys.find((k) => k.id === parts[1]);
      if (!key) throw new Error(`${WRONG_KEY} (key id ${parts[1]} is neither SECRETS_KEY nor SECRETS_KEY_PREVIOUS)`);
      return decrypt(key.encryption, parts[2], parts[3], parts[4], binding);
    }
    if (parts[0] === 'v1' && parts.length === 4) {
      for (const key of this.keys) {
        try {
          return decrypt(key.legacyEncryption, parts[1], parts[2], parts[3]);
        } catch {
          // try the next key
        }
      }
      throw new Error(WRONG_KEY);
    }
    throw new Error('Unrecognised encrypted secret format');
  }

  /** Sealed under the current key in the current format: nothing for rotate-secrets to do. */
  isCurrent(sealed: string): boolean {
    return sealed.startsWith(`v2.${this.current.id}.`);
  }
}

function decrypt(key: Buffer, iv: string, tag: string, ct: string, binding?: string): string {
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
  if (binding !== undefined) decipher.setAAD(Buffer.from(binding, 'utf8'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  try {
    return Buffer.concat([decipher.update(Buffer.from(ct, 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    // Never echo the ciphertext or key material.
    throw new Error(binding === undefined ? WRONG_KEY : `${WRONG_KEY}, or the value belongs to another row`);
  }
}

/** The binding of a destination's API key: its row. */
export function apiKeyBinding(destinationId: string): string {
  return `destinations.api_key_encrypted:${destinationId}`;
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
