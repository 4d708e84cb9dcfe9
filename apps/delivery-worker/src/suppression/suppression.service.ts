import { Inject, Injectable } from '@nestjs/common';
import { Pool } from 'pg';
import { IdentityHasher } from '@fsd/platform';
import { WORKER_CONFIG, WorkerConfig } from '../config/worker.config';
import { PG_POOL } from '../database/pg-pool.provider';

/** Whether any of an event's ids was erased by a deletion: the list holds keyed hashes only. */
@Injectable()
export class SuppressionService {
  private readonly hasher: IdentityHasher;

  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(WORKER_CONFIG) config: WorkerConfig,
  ) {
    this.hasher = new IdentityHasher(config.secretsKey);
  }

  async isSuppressed(identities: string[]): Promise<boolean> {
    if (identities.length === 0) return false;
    const { rows } = await this.pool.query({
      name: 'worker-suppressed',
      text: 'SELECT 1 FROM suppressed_identities WHERE identity_hash = ANY($1::text[]) LIMIT 1',
      values: [identities.map((i) => this.hasher.hash(i))],
    });
    return rows.length > 0;
  }
}
