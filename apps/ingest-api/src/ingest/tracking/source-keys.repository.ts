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

/** The tracking side's read of sources: a write key's hash to its source (hot-path pool). */
@Injectable()
export class SourceKeysRepository {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  async findByWriteKeyHash(hash: string): Promise<SourceByKey | null> {
    try {
      const { rows } = await this.pool.query<{ id: string; rps: number | null; eps: number | null }>(
        `SELECT id::text, rate_limit_requests_per_second AS rps, rate_limit_events_per_second AS eps
           FROM sources WHERE write_key_hash = $1`,
        [hash],
      );
      return rows[0]
        ? { id: rows[0].id, rateLimitRequestsPerSecond: rows[0].rps, rateLimitEventsPerSecond: rows[0].eps }
        : null;
    } catch (e) {
      if (isDatabaseUnreachableError(e)) throw storageUnavailable();
      throw e;
    }
  }
}
