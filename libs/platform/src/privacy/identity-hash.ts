import { createHmac } from 'crypto';
import { LRUCache } from 'lru-cache';
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

/** How many identities' hashes RecentIdentityHashes keeps, and for how long. */
export const RECENT_IDENTITY_HASHES = { max: 10_000, ttlMs: 10 * 60_000 };

/**
 * IdentityHasher's hashes of recently seen identities: a user's events come in runs, and each delivery's suppression
 * check hashes its userId and anonymousId (~2 µs an HMAC, ~2% of the worker's CPU per delivery in the bench's drain).
 * Bounded in count and age, so plain ids are not held in memory for long.
 */
export class RecentIdentityHashes {
  private readonly recent: LRUCache<string, string>;

  constructor(
    private readonly hasher: Pick<IdentityHasher, 'hash'>,
    limits: { max: number; ttlMs: number } = RECENT_IDENTITY_HASHES,
  ) {
    this.recent = new LRUCache<string, string>({ max: limits.max, ttl: limits.ttlMs });
  }

  hash(identifier: string): string {
    let hashed = this.recent.get(identifier);
    if (hashed === undefined) {
      hashed = this.hasher.hash(identifier);
      this.recent.set(identifier, hashed);
    }
    return hashed;
  }

  /** Identities held now. */
  get size(): number {
    return this.recent.size;
  }
}
