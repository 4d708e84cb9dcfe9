import { DatabaseError } from 'pg';

const NETWORK_CODES = ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH'];

/**
 * Postgres cannot be reached right now (retry later), as opposed to a statement Postgres refused or a
 * bug. SQLSTATE 08xxx connection exceptions, 57P0x shutdown/cannot-connect-now, 53300 too many
 * connections; socket errors; and the pg driver's own connection failures.
 */
export function isDatabaseUnreachableError(e: unknown): boolean {
  const err = e as { code?: unknown; message?: unknown } | undefined;
  const code = typeof err?.code === 'string' ? err.code : '';
  if (/^(08|57P0|53300)/.test(code) || NETWORK_CODES.includes(code)) return true;
  if (e instanceof DatabaseError) return false;
  const message = typeof err?.message === 'string' ? err.message : '';
  return /Connection terminated|timeout exceeded when trying to connect|connection error|ECONNREFUSED|ECONNRESET/i.test(
    message,
  );
}
