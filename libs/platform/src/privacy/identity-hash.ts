import { createHmac } from 'crypto';
import { deriveKey } from '../crypto/derive-key';

/** Prefix of a keyed hash of an erased identifier, so one is never mistaken for a real id. */
export const IDENTITY_HASH_PREFIX = 'erased:';

/**
 * Keyed hashes (HMAC-SHA256 under a key derived from SECRETS_KEY) of user and anonymous ids: what
 * erasure leaves in place of an id, and what suppression stores. Without SECRETS_KEY the hash
 * cannot be recomputed from a guessed id (an unkeyed hash of an email could be).
 */
export class IdentityHasher {
  private readonly key: Buffer;

  constructor(secretsKey: string) {
    this.key = deriveKey(secretsKey, 'identity-hash');
  }

  hash(identifier: string): string {
    return IDENTITY_HASH_PREFIX + createHmac('sha256', this.key).update(identifier, 'utf8').digest('base64url');
  }
}
