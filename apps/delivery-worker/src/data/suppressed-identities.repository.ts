import { Inject, Injectable } from '@nestjs/common';
import { Pool } from 'pg';
import { PG_POOL } from './pg-pool.provider';

/** Reads suppressed_identities (written by the ingest API's erasure): keyed hashes only. */
@Injectable()
export class SuppressedIdentitiesRepository {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  /** Those of the given hashes that are suppressed. */
  async found(hashes: string[]): Promise<Set<string>> {
    const { rows } = await this.pool.query<{ h: string }>({
      name: 'worker-suppressed',
      text: 'SELECT identity_hash AS h FROM suppressed_identities WHERE identity_hash = ANY($1::text[])',
      values: [[...new Set(hashes)]],
    });
    return new Set(rows.map((r) => r.h));
  }
}
