import { Inject, Injectable } from '@nestjs/common';
import { Pool } from 'pg';
import { IdentityHasher } from '@fsd/platform';
import { WORKER_CONFIG, WorkerConfig } from '../config/worker.config';
import { PG_POOL } from '../database/pg-pool.provider';

interface PendingCheck {
  hashes: string[];
  resolve: (suppressed: boolean) => void;
  reject: (e: unknown) => void;
}

/**
 * Whether any of an event's ids was erased by a deletion: the list holds keyed hashes only. Checks of
 * concurrent jobs are coalesced into one query per tick, as the delivery loads are, so suppression
 * (on by default) adds no round trip per delivery under load.
 */
@Injectable()
export class SuppressionService {
  private readonly hasher: IdentityHasher;
  private pending: PendingCheck[] = [];

  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(WORKER_CONFIG) config: WorkerConfig,
  ) {
    this.hasher = new IdentityHasher(config.secretsKey);
  }

  isSuppressed(identities: string[]): Promise<boolean> {
    if (identities.length === 0) return Promise.resolve(false);
    return new Promise((resolve, reject) => {
      this.pending.push({ hashes: identities.map((i) => this.hasher.hash(i)), resolve, reject });
      if (this.pending.length === 1) setImmediate(() => void this.flush());
    });
  }

  private async flush(): Promise<void> {
    const batch = this.pending;
    this.pending = [];
    try {
      const { rows } = await this.pool.query<{ h: string }>({
        name: 'worker-suppressed',
        text: 'SELECT identity_hash AS h FROM suppressed_identities WHERE identity_hash = ANY($1::text[])',
        values: [[...new Set(batch.flatMap((b) => b.hashes))]],
      });
      const found = new Set(rows.map((r) => r.h));
      for (const b of batch) b.resolve(b.hashes.some((h) => found.has(h)));
    } catch (e) {
      for (const b of batch) b.reject(e);
    }
  }
}
