import { Inject, Injectable } from '@nestjs/common';
import { Pool } from 'pg';
import { isDatabaseUnreachableError } from '@fsd/platform';
import { PG_POOL } from '../../core/database/pg-pool.provider';
import { storageUnavailable } from '../../core/errors/app-error';

export interface SourceByKey {
  id: string;
  rateLimitRequestsPerSecond: number | null;
  rateLimitEventsPerSecond: number | null;
}

/** A source found by a write key's hash, and until when that key works (null: its current key, no end). */
export interface SourceKeyMatch {
  source: SourceByKey;
  validUntil: Date | null;
}

/** The tracking side's read of sources: a write key's hash to its source (hot-path pool). */
@Injectable()
export class SourceKeysRepository {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  /** The source whose current key, or previous key within its rotation's overlap window, has this hash. */
  async findByWriteKeyHash(hash: string): Promise<SourceKeyMatch | null> {
    try {
      const { rows } = await this.pool.query<{
        id: string;
        rps: number | null;
        eps: number | null;
        until: Date | null;
      }>(
        `SELECT id::text, rate_limit_requests_per_second AS rps, rate_limit_events_per_second AS eps,
                CASE WHEN write_key_hash = $1 THEN NULL ELSE previous_write_key_expires_at END AS until
           FROM sources
          WHERE write_key_hash = $1 OR (previous_write_key_hash = $1 AND previous_write_key_expires_at > now())`,
        [hash],
      );
      const row = rows[0];
      if (!row) return null;
      return {
        source: { id: row.id, rateLimitRequestsPerSecond: row.rps, rateLimitEventsPerSecond: row.eps },
        validUntil: row.until,
      };
    } catch (e) {
      if (isDatabaseUnreachableError(e)) throw storageUnavailable();
      throw e;
    }
  }
}
