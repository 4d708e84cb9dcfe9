/** Typed application errors: a snake_case code and an HTTP status, mapped to a response in one place. */
export interface RejectedItem {
  index: number;
  messageId: string | null;
  code: string;
  message: string;
}

export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
    readonly errors?: RejectedItem[],
    /** Every problem found, when there is more than one (rendered as `details`). */
    readonly details?: string[],
    /** Machine-readable fields of the answer beside code and message (e.g. `earliestKept`). */
    readonly fields?: Record<string, string>,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const badRequest = (code: string, message: string, errors?: RejectedItem[]) =>
  new AppError(400, code, message, {}, errors);
export const unauthorized = (
  message = 'A valid write key is required (HTTP Basic user name, or "writeKey" in the body)',
) => new AppError(401, 'unauthorized', message);
/** A range that reaches before what retention still keeps: names the earliest time kept. */
export const beforeRetention = (earliestKept: Date) =>
  new AppError(
    400,
    'before_retention',
    `The range starts before ${earliestKept.toISOString()}, the earliest time still kept (EVENT_RETENTION_DAYS)`,
    {},
    undefined,
    undefined,
    { earliestKept: earliestKept.toISOString() },
  );
export const notFound = (message: string) => new AppError(404, 'not_found', message);
export const storageUnavailable = () =>
  new AppError(
    503,
    'storage_unavailable',
    'The event log cannot be written right now; nothing was stored. Retry later.',
    {
      'Retry-After': '5',
    },
  );
/** Ingest holds as many request bodies as INGEST_MAX_BODY_BYTES_IN_FLIGHT allows: this one was not read. */
export const overloaded = () =>
  new AppError(
    503,
    'overloaded',
    'Ingest is holding as many request bodies as its memory limit allows; nothing was stored. Retry shortly.',
    { 'Retry-After': '1' },
  );
/** An operator route (admin API, operations page, dashboard, /metrics, /docs) asked from outside OPERATOR_NETWORKS. */
export const networkNotAllowed = () =>
  new AppError(403, 'network_not_allowed', 'This address may not reach the operator routes (OPERATOR_NETWORKS)');
export const tooManyRequests = (retryAfterSeconds: number, what: string) =>
  new AppError(429, 'rate_limited', `Rate limit exceeded for ${what}`, {
    'Retry-After': String(retryAfterSeconds),
    'X-RateLimit-Reset': String(retryAfterSeconds),
  });
