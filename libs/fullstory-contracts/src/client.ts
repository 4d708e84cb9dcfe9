import { Agent, Dispatcher } from 'undici';
import { FullStoryHostRefusedError, FullStoryNetworkError, FullStoryTimeoutError } from './errors';
import { OutboundPolicy, guardedLookup, requestUrlProblem } from './outbound-policy';
import { ResponseCollector } from './response-collector';
import { requestTarget } from './request-target';
import { statusText } from './status-text';

export type HttpMethod = 'GET' | 'POST' | 'DELETE';

export interface FullStoryRequest {
  method: HttpMethod;
  /** Absolute URL, e.g. `https://api.fullstory.com/v2/events`. */
  url: string;
  headers: Record<string, string>;
  /** Sent as `JSON.stringify(body)` when not undefined. */
  body?: unknown;
}

export interface FullStoryResponse {
  status: number;
  statusText: string;
  /** Response headers, names lower-cased; repeated headers joined with `, `. */
  headers: Record<string, string>;
  /** Raw response body text; over MAX_RESPONSE_BYTES it is cut and ends with TRUNCATED_MARKER. */
  body: string;
  /** The body was longer than MAX_RESPONSE_BYTES and was cut (the rest was not read). */
  truncated?: boolean;
  /** Time from sending to the end of the response body. */
  latencyMs: number;
}

export interface SendOptions {
  /** Adds the `Idempotency-Key` header. */
  idempotencyKey?: string;
  /** Whole-request timeout (connect + headers + body); defaults to the client's (10000 ms). */
  timeoutMs?: number;
  /** A connection pool of the caller's instead of the client's shared one (e.g. DestinationDispatchers). */
  dispatcher?: Dispatcher;
}

export interface FullStoryClientOptions {
  /** Default per-request timeout in ms (10000). */
  timeoutMs?: number;
  /** Keep-alive connections per origin (64). */
  connectionsPerOrigin?: number;
  /**
   * Where requests may go. Without it every URL is sent to (unit tests of the client only); the apps always
   * pass the deployment's policy.
   */
  policy?: OutboundPolicy;
}

export const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_CONNECTIONS_PER_ORIGIN = 64;
const REDACTED = '[redacted]';

function errorCode(err: unknown): string | undefined {
  if (typeof err === 'object' && err !== null) {
    const code = (err as { code?: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}

function errorMessage(err: unknown): string {
  if (err instanceof Error) {
    const cause = (err as { cause?: unknown }).cause;
    const causeText = cause instanceof Error && cause.message !== err.message ? ` (${cause.message})` : '';
    return `${err.message}${causeText}`;
  }
  return String(err);
}

function secretsOf(headers: Record<string, string>): string[] {
  const secrets: string[] = [];
  for (const [name, value] of Object.entries(headers)) {
    if (name.toLowerCase() !== 'authorization' || value === '') continue;
    secrets.push(value);
    const match = /^\s*\S+\s+(.+)$/.exec(value);
    if (match && match[1].trim() !== '') secrets.push(match[1].trim());
  }
  // Longest first so the whole header is replaced before the bare key.
  return secrets.sort((a, b) => b.length - a.length);
}

function redact(text: string, secrets: string[]): string {
  let out = text;
  for (const secret of secrets) out = out.split(secret).join(REDACTED);
  return out;
}

/** Origin and path of a URL without query string (the query may hold user ids, never the key). */
function describeTarget(method: string, url: string): string {
  try {
    const parsed = new URL(url);
    return `${method} ${parsed.origin}${parsed.pathname}`;
  } catch {
    return `${method} <invalid url>`;
  }
}

const TIMEOUT_CODES = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

/**
 * The delivery worker's HTTP client for FullStory. One keep-alive connection pool per origin (undici Agent).
 * `send` resolves for every HTTP status and rejects only with FullStoryTimeoutError or FullStoryNetworkError;
 * error messages never contain the Authorization header or the API key.
 */
export class FullStoryClient {
  private readonly agent: Agent;
  private readonly defaultTimeoutMs: number;
  private readonly policy?: OutboundPolicy;

  constructor(options: FullStoryClientOptions = {}) {
    this.defaultTimeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.policy = options.policy;
    this.agent = new Agent({
      // Checked again at connect time, after DNS resolution: a public name may resolve to an internal address.
      ...(options.policy ? { connect: { lookup: guardedLookup(options.policy) } } : {}),
      connections: options.connectionsPerOrigin ?? DEFAULT_CONNECTIONS_PER_ORIGIN,
      keepAliveTimeout: 30_000,
      keepAliveMaxTimeout: 600_000,
      pipelining: 1,
    });
  }

  async send(req: FullStoryRequest, options: SendOptions = {}): Promise<FullStoryResponse> {
    const timeoutMs = options.timeoutMs ?? this.defaultTimeoutMs;
    const headers: Record<string, string> = { ...req.headers };
    if (options.idempotencyKey !== undefined) headers['Idempotency-Key'] = options.idempotencyKey;
    const body = req.body === undefined ? undefined : JSON.stringify(req.body);
    if (body !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) {
      headers['Content-Type'] = 'application/json';
    }
    // Only errors name the target (a parse of the URL) and redact the key: neither is built for a request that succeeds.
    const target = () => describeTarget(req.method, req.url);
    const refused = this.policy ? requestUrlProblem(req.url, this.policy) : null;
    if (refused) throw new FullStoryHostRefusedError(`${target()} refused: the URL ${refused}`);

    // The whole request's deadline, counted from dispatch (undici's own timeouts are per phase: a body trickling in
    // stays under them).
    const response = new ResponseCollector();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      response.abort(new Error(`no complete answer within ${timeoutMs} ms`));
    }, timeoutMs);
    const started = performance.now();
    try {
      // Origin and path apart: the path goes out as built (dot segments encoded), never re-parsed as a URL.
      (options.dispatcher ?? this.agent).dispatch(
        {
          ...requestTarget(req.url),
          method: req.method,
          headers,
          body,
          headersTimeout: timeoutMs,
          bodyTimeout: timeoutMs,
        },
        response,
      );
      const { status, headers: outHeaders, text, truncated } = await response.done;
      return {
        status,
        statusText: statusText(status),
        headers: outHeaders,
        body: text,
        ...(truncated ? { truncated } : {}),
        latencyMs: performance.now() - started,
      };
    } catch (err: unknown) {
      const code = errorCode(err);
      if (code === 'EFORBIDDENADDRESS')
        throw new FullStoryHostRefusedError(`${target()} refused: ${errorMessage(err)}`);
      if (timedOut || (code !== undefined && TIMEOUT_CODES.has(code))) {
        throw new FullStoryTimeoutError(`${target()} timed out after ${timeoutMs} ms`);
      }
      const message = redact(`${target()} failed: ${errorMessage(err)}`, secretsOf(headers));
      throw new FullStoryNetworkError(message, code);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Closes all pooled connections; later sends reject with FullStoryNetworkError. */
  async close(): Promise<void> {
    await this.agent.close();
  }
}
