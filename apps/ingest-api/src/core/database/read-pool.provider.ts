import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { Pool } from 'pg';
import { ResilientClient } from '@fsd/platform';
import { logPoolErrors } from './pool-errors';
import { INGEST_CONFIG, IngestConfig } from '../config/ingest.config';

export const READ_POOL = Symbol('READ_POOL');

/**
 * A small pool of its own for the heavy reads (audit queries, exports, replay pages, redrive selections, the
 * operations page's reads): they never take connections from the tracking hot path's pool.
 */
export const readPoolProvider = {
  provide: READ_POOL,
  inject: [INGEST_CONFIG],
  useFactory: (config: IngestConfig): Pool => {
    const pool = new Pool({
      connectionString: config.databaseUrl,
      max: 4,
      connectionTimeoutMillis: 5000,
      idleTimeoutMillis: 30000,
      application_name: 'ingest-api-audit',
      Client: ResilientClient,
    });
    return logPoolErrors(pool, 'ingest-api-audit');
  },
};

/** Ends the read pool after every module has stopped (the replay runner stops in onModuleDestroy). */
@Injectable()
export class ReadPoolCloser implements OnApplicationShutdown {
  constructor(@Inject(READ_POOL) private readonly pool: Pool) {}

  async onApplicationShutdown(): Promise<void> {
    await this.pool.end().catch(() => undefined);
  }
}
