import { Pool } from 'pg';
import { ResilientClient } from '@fsd/platform';
import { logPoolErrors } from './pool-errors';
import { INGEST_CONFIG, IngestConfig } from '../config/ingest.config';

export const PG_POOL = Symbol('PG_POOL');

/** A plain pg pool for the hot write path (TypeORM serves the admin side). */
export const pgPoolProvider = {
  provide: PG_POOL,
  inject: [INGEST_CONFIG],
  useFactory: (config: IngestConfig): Pool => {
    const pool = new Pool({
      connectionString: config.databaseUrl,
      max: config.databasePoolSize,
      connectionTimeoutMillis: 3000,
      idleTimeoutMillis: 30000,
      application_name: 'ingest-api',
      Client: ResilientClient,
    });
    return logPoolErrors(pool, 'ingest-api');
  },
};
