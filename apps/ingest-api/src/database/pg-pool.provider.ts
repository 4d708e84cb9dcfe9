import { Pool } from 'pg';
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
    });
    // A dropped idle connection must not crash the process; the next query reconnects.
    pool.on('error', () => undefined);
    return pool;
  },
};

/** Errors meaning "the database cannot be reached right now", as opposed to a bug or bad data. */
export function isConnectivityError(e: unknown): boolean {
  const err = e as { code?: string; message?: string };
  const code = err?.code ?? '';
  if (['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH'].includes(code)) return true;
  // 57P01 admin shutdown, 57P03 cannot connect now, 08xxx connection exceptions, 53300 too many connections.
  if (/^(08|57P0|53300)/.test(code)) return true;
  return /timeout exceeded when trying to connect|Connection terminated|connect ECONNREFUSED|Client has encountered a connection error/i.test(
    err?.message ?? '',
  );
}
