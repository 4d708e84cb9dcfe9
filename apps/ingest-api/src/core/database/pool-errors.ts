import { Logger } from '@nestjs/common';
import type { Pool } from 'pg';
import { messageOf } from '../errors/message-of';
import { rateLimitedWarnings } from '../errors/rate-limited-warnings';

const log = rateLimitedWarnings(new Logger('Database'));

/**
 * An idle connection the server or network dropped is reported on the pool, not to a query: it must not crash
 * the process (the next query reconnects), and it is logged, one line per 10 s per pool with a count of the rest.
 */
export function logPoolErrors(pool: Pool, name: string): Pool {
  pool.on('error', (e) => log.warn(`${name} pool`, `idle connection lost: ${messageOf(e)}`));
  return pool;
}
