import { DatabaseError } from 'pg';

/** Socket-level failures (Node system error codes): the other side may answer again later. */
const NETWORK_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

/** undici's error classes that mean "no complete answer this time" (connect, headers and body timeouts, a socket gone). */
const UNDICI_TRANSIENT_CODES: ReadonlySet<string> = new Set([
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
]);

/**
 * SQLSTATEs Postgres answers when the statement may succeed if run again: class 08 (connection exception),
 * 57P01-57P03 (admin shutdown, crash shutdown, cannot connect now), 40001 and 40P01 (serialization failure,
 * deadlock: the transaction was rolled back) and 53300 (too many connections).
 */
function isTransientSqlState(code: string): boolean {
  return code.startsWith('08') || ['57P01', '57P02', '57P03', '40001', '40P01', '53300'].includes(code);
}

/**
 * The pg driver's own connection failures carry no code (pg 8 raises them as plain Errors): this closed list of
 * the driver's exact texts is the only way to tell them from a bug. Compared whole, never searched in.
 */
const PG_DRIVER_CONNECTION_FAILURES: ReadonlySet<string> = new Set([
  'Connection terminated',
  'Connection terminated unexpectedly',
  'Connection terminated due to connection timeout',
  'timeout exceeded when trying to connect',
  'Client has encountered a connection error and is not queryable',
]);

/** The codes along an error and its causes (an undici failure wraps the socket's error in `cause`). */
function codesOf(e: unknown): string[] {
  const codes: string[] = [];
  for (let cur = e, depth = 0; cur && typeof cur === 'object' && depth < 5; depth++) {
    const code = (cur as { code?: unknown }).code;
    if (typeof code === 'string') codes.push(code);
    cur = (cur as { cause?: unknown }).cause;
  }
  return codes;
}

/** A failure of the network below a request (socket codes, undici's timeouts and closed sockets). */
export function isTransientNetworkError(e: unknown): boolean {
  return codesOf(e).some((c) => NETWORK_CODES.has(c) || UNDICI_TRANSIENT_CODES.has(c));
}

/**
 * Postgres cannot serve this statement right now (retry later), as opposed to a statement Postgres refused or a
 * bug: a transient SQLSTATE, a socket error, or one of the driver's connection failures.
 */
export function isDatabaseUnreachableError(e: unknown): boolean {
  if (e instanceof DatabaseError) return typeof e.code === 'string' && isTransientSqlState(e.code);
  if (isTransientNetworkError(e)) return true;
  if (codesOf(e).some(isTransientSqlState)) return true;
  return e instanceof Error && e.constructor === Error && PG_DRIVER_CONNECTION_FAILURES.has(e.message);
}
