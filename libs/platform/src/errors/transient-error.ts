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

/**
 * An error and what it wraps: `cause` (an undici failure wraps the socket's error) and `driverError` (TypeORM's
 * QueryFailedError wraps the pg driver's error).
 */
function chainOf(e: unknown): object[] {
  const chain: object[] = [];
  for (let cur = e; cur && typeof cur === 'object' && chain.length < 5;) {
    chain.push(cur);
    const inner = cur as { cause?: unknown; driverError?: unknown };
    cur = inner.driverError ?? inner.cause;
  }
  return chain;
}

function codesOf(e: unknown): string[] {
  return chainOf(e)
    .map((c) => (c as { code?: unknown }).code)
    .filter((c): c is string => typeof c === 'string');
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
  const chain = chainOf(e);
  const answered = chain.find((c): c is DatabaseError => c instanceof DatabaseError);
  if (answered) return typeof answered.code === 'string' && isTransientSqlState(answered.code);
  if (isTransientNetworkError(e) || codesOf(e).some(isTransientSqlState)) return true;
  return chain.some(
    (c) => c instanceof Error && c.constructor === Error && PG_DRIVER_CONNECTION_FAILURES.has(c.message),
  );
}

/**
 * ioredis's own failures while Redis cannot be reached carry no code: plain Errors with fixed texts (compared
 * whole, never searched in), as for the pg driver.
 */
const REDIS_CLIENT_CONNECTION_FAILURES: ReadonlySet<string> = new Set([
  'Connection is closed.',
  "Stream isn't writeable and enableOfflineQueue options is false",
  'Cluster is disconnected.',
  "Cluster isn't ready and enableOfflineQueue options is false",
]);

/** ioredis's error classes for "gave up reaching Redis this time" (by class name: ioredis does not export them). */
const REDIS_UNAVAILABLE_ERROR_NAMES: ReadonlySet<string> = new Set([
  'MaxRetriesPerRequestError',
  'ClusterAllFailedError',
]);

/** Redis's own error codes (the first word of a reply error) for "not now": loading, failover, cluster resharding. */
const REDIS_TRANSIENT_REPLY_CODES: ReadonlySet<string> = new Set(['LOADING', 'TRYAGAIN', 'CLUSTERDOWN', 'MASTERDOWN']);

/** Redis cannot serve this command right now (retry later), as opposed to a command Redis refused or a bug. */
export function isRedisUnavailableError(e: unknown): boolean {
  if (isTransientNetworkError(e)) return true;
  return chainOf(e).some(
    (c) =>
      c instanceof Error &&
      (REDIS_UNAVAILABLE_ERROR_NAMES.has(c.name) ||
        (c.name === 'ReplyError' && REDIS_TRANSIENT_REPLY_CODES.has(c.message.split(' ')[0])) ||
        (c.constructor === Error && REDIS_CLIENT_CONNECTION_FAILURES.has(c.message))),
  );
}
