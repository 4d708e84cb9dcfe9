import { Pool } from 'pg';
import { WORKER_CONFIG, WorkerConfig } from '../config/worker.config';
import { ResilientClient, logErrors } from '@fsd/platform';

export const PG_POOL = Symbol('PG_POOL');

export const pgPoolProvider = {
  provide: PG_POOL,
  inject: [WORKER_CONFIG],
  useFactory: (config: WorkerConfig): Pool => {
    const pool = new Pool({
      connectionString: config.databaseUrl,
      max: config.databasePoolSize,
      connectionTimeoutMillis: 5000,
      application_name: 'delivery-worker',
      Client: ResilientClient,
    });
    // An idle client's connection dropped (Postgres restarted): the pool replaces it; the outage is logged.
    logErrors(pool, 'postgres pool');
    return pool;
  },
};
