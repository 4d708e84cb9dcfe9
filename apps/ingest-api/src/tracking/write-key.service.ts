import { Inject, Injectable } from '@nestjs/common';
import { Pool } from 'pg';
import { hashWriteKey, isDatabaseUnreachableError } from '@fsd/platform';
import { storageUnavailable, unauthorized } from '../common/errors/app-error';
import { PG_POOL } from '../database/pg-pool.provider';

export interface AuthenticatedSource {
  id: string;
  rateLimitRequestsPerSecond: number | null;
  rateLimitEventsPerSecond: number | null;
}

const POSITIVE_TTL_MS = 10_000;
const NEGATIVE_TTL_MS = 2_000;

/**
 * Resolves a write key to its source by hash. A short cache keeps the hot path off the database;
 * unknown keys are cached briefly too, so a client with a bad key cannot hammer Postgres.
 */
@Injectable()
export class WriteKeyService {
  private readonly cache = new Map<string, { source: AuthenticatedSource | null; expires: number }>();

  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

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
    const hash = hashWriteKey(writeKey);
    const now = Date.now();
    const cached = this.cache.get(hash);
    if (cached && cached.expires > now) {
      if (!cached.source) throw unauthorized('Unknown write key');
      return cached.source;
    }
    let source: AuthenticatedSource | null;
    try {
      const { rows } = await this.pool.query<{ id: string; rps: number | null; eps: number | null }>(
        `SELECT id::text, rate_limit_requests_per_second AS rps, rate_limit_events_per_second AS eps
           FROM sources WHERE write_key_hash = $1`,
        [hash],
      );
      source = rows[0]
        ? { id: rows[0].id, rateLimitRequestsPerSecond: rows[0].rps, rateLimitEventsPerSecond: rows[0].eps }
        : null;
    } catch (e) {
      if (isDatabaseUnreachableError(e)) throw storageUnavailable();
      throw e;
    }
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(hash, { source, expires: now + (source ? POSITIVE_TTL_MS : NEGATIVE_TTL_MS) });
    if (!source) throw unauthorized('Unknown write key');
    return source;
  }

  invalidate(): void {
    this.cache.clear();
  }
}
