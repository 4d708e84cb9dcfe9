import { FullStoryHostRefusedError, FullStoryNetworkError, FullStoryTimeoutError } from './errors';
import { statusText } from './status-text';

/** Error classes reported by the delivery worker. `validation` is for failures before any request was made. */
export type ErrorClass = 'validation' | 'http_4xx' | 'http_5xx' | 'rate_limited' | 'timeout' | 'network';

export interface Classification {
  outcome: 'success' | 'retry' | 'permanent';
  errorClass?: ErrorClass;
  /** Delay asked for by the server (`Retry-After`), in milliseconds, when present and parseable. */
  retryAfterMs?: number;
  reason?: string;
}

export interface ClassifyOptions {
  /** Retry a v1 customevent/customvars 404 (the user may be identified later) instead of failing permanently. */
  retryV1NotFound?: boolean;
  /** URL (or path) of the request; needed to recognise the v1 "user not identified" 404. */
  url?: string;
}

export const V1_NOT_IDENTIFIED_REASON = 'user not identified in FullStory yet';

const V1_USER_WRITE_PATH = /\/users\/v1\/individual\/[^/?#]+\/(customevent|customvars)(?:[?#]|$)/;

function headerValue(headers: Record<string, string>, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const key of Object.keys(headers)) {
    if (key.toLowerCase() === wanted) return headers[key];
  }
  return undefined;
}

/**
 * Parses `Retry-After` (delay in seconds, or an HTTP-date) into milliseconds from `now`.
 * Returns undefined when absent or unparseable; never negative.
 */
export function parseRetryAfter(value: string | undefined, now: number = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (trimmed === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(trimmed)) {
    return Math.round(Number(trimmed) * 1000);
  }
  // An HTTP-date always contains letters (day/month names); refuse bare numbers with signs etc.
  if (!/[A-Za-z]/.test(trimmed)) return undefined;
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}

function describe(status: number): string {
  const text = statusText(status);
  return text === '' ? `HTTP ${status}` : `HTTP ${status} ${text}`;
}

/**
 * Classifies a FullStory response per fullstory-destination.md §8:
 * 2xx success; 408/423/429 retry (429 → `rate_limited`); other 4xx permanent `http_4xx`
 * (a v1 customevent/customvars 404 carries the reason "user not identified in FullStory yet" and is retried only
 * with `retryV1NotFound`); 5xx retry except 501 (permanent). `retryAfterMs` is filled from `Retry-After` on any
 * retry outcome that carries the header. 1xx/3xx (never expected) are permanent.
 */
export function classifyResponse(
  res: { status: number; headers: Record<string, string> },
  opts: ClassifyOptions = {},
): Classification {
  const { status } = res;
  if (status >= 200 && status < 300) return { outcome: 'success' };

  const retryAfterMs = parseRetryAfter(headerValue(res.headers, 'retry-after'));
  const retry = (errorClass: ErrorClass, reason: string): Classification =>
    retryAfterMs === undefined
      ? { outcome: 'retry', errorClass, reason }
      : { outcome: 'retry', errorClass, reason, retryAfterMs };

  if (status === 429) return retry('rate_limited', describe(status));
  if (status === 408 || status === 423) return retry('http_4xx', describe(status));
  if (status === 404 && opts.url !== undefined && V1_USER_WRITE_PATH.test(opts.url)) {
    return opts.retryV1NotFound
      ? retry('http_4xx', V1_NOT_IDENTIFIED_REASON)
      : { outcome: 'permanent', errorClass: 'http_4xx', reason: V1_NOT_IDENTIFIED_REASON };
  }
  if (status >= 400 && status < 500) return { outcome: 'permanent', errorClass: 'http_4xx', reason: describe(status) };
  if (status === 501) return { outcome: 'permanent', errorClass: 'http_5xx', reason: describe(status) };
  if (status >= 500 && status < 600) return retry('http_5xx', describe(status));
  return { outcome: 'permanent', reason: `unexpected ${describe(status)}` };
}

const TIMEOUT_CODES = new Set([
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
]);

/**
 * Classifies an error thrown while sending (no HTTP status): timeouts and network failures are retried.
 * `FullStoryClient.send` only rejects with FullStoryTimeoutError/FullStoryNetworkError/FullStoryHostRefusedError; other errors are
 * recognised by name/code (AbortError/TimeoutError → timeout) and otherwise treated as network failures.
 */
export function classifyError(err: unknown): Classification {
  // Retrying cannot make a refused host allowed; the key was never sent.
  if (err instanceof FullStoryHostRefusedError)
    return { outcome: 'permanent', errorClass: 'network', reason: err.message };
  if (err instanceof FullStoryTimeoutError) return { outcome: 'retry', errorClass: 'timeout', reason: err.message };
  if (err instanceof FullStoryNetworkError) return { outcome: 'retry', errorClass: 'network', reason: err.message };
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    if (
      err.name === 'AbortError' ||
      err.name === 'TimeoutError' ||
      (typeof code === 'string' && TIMEOUT_CODES.has(code))
    ) {
      return { outcome: 'retry', errorClass: 'timeout', reason: err.message };
    }
    return { outcome: 'retry', errorClass: 'network', reason: err.message };
  }
  return { outcome: 'retry', errorClass: 'network', reason: String(err) };
}
