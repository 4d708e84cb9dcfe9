import { Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { SharedInFlight, WRITE_KEY_SHAPE, hashWriteKey } from '@fsd/platform';
import { unauthorized } from '../../core/errors/app-error';
import { SourceKeyMatch, SourceKeysRepository } from './source-keys.repository';

export interface AuthenticatedSource {
  id: string;
  rateLimitRequestsPerSecond: number | null;
  rateLimitEventsPerSecond: number | null;
}

const POSITIVE_TTL_MS = 10_000;
const NEGATIVE_TTL_MS = 2_000;
/** Entries per cache; least recently used go first. */
export const WRITE_KEY_CACHE_SIZE = 10_000;

interface Entry<T> {
  value: T;
  expires: number;
}

/**
 * Resolves a write key to its source by hash. Keys of the wrong shape are refused before any query. Known and
 * unknown keys are cached in separate bounded LRUs, so a flood of unknown keys (write keys are public: anyone
 * can invent them) evicts only other unknown keys, never the sources serving traffic.
 *
 * One lookup per key at a time: the requests that find its entry missing or expired share the lookup in flight.
 * Each one ran its own before, so every expiry of a busy key (each 10 s) sent a burst of identical queries into
 * the hot-path pool, ahead of the event log's writes (~70 per expiry at 1,000 requests/s in the bench).
 */
@Injectable()
export class WriteKeyService {
  private readonly known = new LRUCache<string, Entry<AuthenticatedSource>>({ max: WRITE_KEY_CACHE_SIZE });
  private readonly unknown = new LRUCache<string, Entry<true>>({ max: WRITE_KEY_CACHE_SIZE });
  /** Lookups in flight, by hash (an entry lives as long as its query: bounded by the requests in flight). */
  private readonly lookups = new SharedInFlight<string, SourceKeyMatch | null>();
  /** Moved by invalidate(): a lookup that began before a change does not fill the cache after it. */
  private generation = 0;
  /** The cache's clock (tests move it). */
  now: () => number = Date.now;

  constructor(private readonly sources: SourceKeysRepository) {}

  /** Extracts the write key from HTTP Basic (user name; password ignored) and/or the body. */
  static extract(authorization: string | undefined, bodyWriteKey: unknown): string {
    let headerKey: string | undefined;
    if (authorization !== undefined) {
      const match = /^Basic\s+(.+)$/i.exec(authorization.trim());
      if (!match) throw unauthorized('Only HTTP Basic authentication with the write key as user name is supported');
      const decoded = Buffer.from(match[1], 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      headerKey = colon === -1 ? decoded : decoded.slice(0, colon);
    }
    const bodyKey = typeof bodyWriteKey === 'string' && bodyWriteKey !== '' ? bodyWriteKey : undefined;
    if (headerKey && bodyKey && headerKey !== bodyKey) {
      throw unauthorized('The write key in the Authorization header and the one in the body differ');
    }
    const key = headerKey || bodyKey;
    if (!key) throw unauthorized();
    return key;
  }

  async authenticate(writeKey: string): Promise<AuthenticatedSource> {
    if (!WRITE_KEY_SHAPE.test(writeKey)) throw unauthorized('Unknown write key');
    const hash = hashWriteKey(writeKey);
    const now = this.now();
    const known = this.known.get(hash);
    if (known && known.expires > now) return known.value;
    const unknown = this.unknown.get(hash);
    if (unknown && unknown.expires > now) throw unauthorized('Unknown write key');
    const found = await this.lookup(hash);
    if (!found) throw unauthorized('Unknown write key');
    return found.source;
  }

  invalidate(): void {
    this.generation += 1;
    this.known.clear();
    this.unknown.clear();
    this.lookups.clear();
  }

  /** The key's source, from the lookup in flight for it or a new one, which fills the cache when it ends. */
  private lookup(hash: string): Promise<SourceKeyMatch | null> {
    return this.lookups.run(hash, async () => {
      const generation = this.generation;
      // A failure is not cached: the next request asks again.
      const found = await this.sources.findByWriteKeyHash(hash);
      if (this.generation === generation) this.remember(hash, found);
      return found;
    });
  }

  private remember(hash: string, found: SourceKeyMatch | null): void {
    const now = this.now();
    if (!found) {
      this.unknown.set(hash, { value: true, expires: now + NEGATIVE_TTL_MS });
      return;
    }
    // A rotated-out key is cached no longer than its overlap window lasts.
    const expires = Math.min(now + POSITIVE_TTL_MS, found.validUntil?.getTime() ?? Infinity);
    this.known.set(hash, { value: found.source, expires });
  }
}
