import {
  Classification,
  FullStoryNetworkError,
  FullStoryTimeoutError,
  V1_NOT_IDENTIFIED_REASON,
} from '@fsd/fullstory-contracts';
import { JOB_BACKOFF_TYPE } from '@fsd/platform';
import { RetryableDeliveryError } from './delivery-errors';
import {
  IDEMPOTENCY_IN_FLIGHT_REASON,
  backoffDelayMs,
  classifySend,
  jobBackoffMs,
  shouldGiveUp,
  throttleAfter,
} from './retry-policy';

const settings = {
  backoffBaseMs: 1000,
  backoffMaxMs: 60_000,
  retryAfterCapSeconds: 300,
  maxAttempts: 10,
  retryWindowHours: 4,
  v1NotFoundRetryMinutes: 10,
  retryV1NotFound: false,
};

const V2_EVENTS = 'https://api.fullstory.com/v2/events';
const V1_CUSTOM_EVENT = 'https://api.fullstory.com/users/v1/individual/u1/customevent';

function answered(status: number, opts: { url?: string; key?: string; headers?: Record<string, string> } = {}) {
  return {
    sub: {
      subscriptionId: 's',
      action: 'trackEvent',
      request: { method: 'POST' as const, url: opts.url ?? V2_EVENTS, headers: {} },
      idempotencyKey: opts.key,
    },
    response: { status, statusText: '', headers: opts.headers ?? {}, body: '', latencyMs: 1 },
  };
}

describe('classifySend: which answers are retried', () => {
  it.each<[string, ReturnType<typeof answered>, boolean, Classification]>([
    ['2xx delivers', answered(200), false, { outcome: 'success' }],
    ['202 delivers', answered(202), false, { outcome: 'success' }],
    [
      '408 retries',
      answered(408),
      false,
      { outcome: 'retry', errorClass: 'http_4xx', reason: 'HTTP 408 Request Timeout' },
    ],
    ['423 retries', answered(423), false, { outcome: 'retry', errorClass: 'http_4xx', reason: 'HTTP 423 Locked' }],
    [
      '429 retries as rate limited, with Retry-After',
      answered(429, { headers: { 'retry-after': '7' } }),
      false,
      { outcome: 'retry', errorClass: 'rate_limited', reason: 'HTTP 429 Too Many Requests', retryAfterMs: 7000 },
    ],
    [
      '500 retries',
      answered(500),
      false,
      { outcome: 'retry', errorClass: 'http_5xx', reason: 'HTTP 500 Internal Server Error' },
    ],
    [
      '503 retries',
      answered(503),
      false,
      { outcome: 'retry', errorClass: 'http_5xx', reason: 'HTTP 503 Service Unavailable' },
    ],
    [
      '501 never',
      answered(501),
      false,
      { outcome: 'permanent', errorClass: 'http_5xx', reason: 'HTTP 501 Not Implemented' },
    ],
    [
      '400 never',
      answered(400),
      false,
      { outcome: 'permanent', errorClass: 'http_4xx', reason: 'HTTP 400 Bad Request' },
    ],
    [
      '401 never',
      answered(401),
      false,
      { outcome: 'permanent', errorClass: 'http_4xx', reason: 'HTTP 401 Unauthorized' },
    ],
    [
      '404 on v2 never',
      answered(404),
      false,
      { outcome: 'permanent', errorClass: 'http_4xx', reason: 'HTTP 404 Not Found' },
    ],
    [
      '409 with an Idempotency-Key retries (an earlier attempt is still running)',
      answered(409, { key: 'k' }),
      false,
      { outcome: 'retry', errorClass: 'http_4xx', reason: IDEMPOTENCY_IN_FLIGHT_REASON },
    ],
    [
      '409 without a key never',
      answered(409),
      false,
      { outcome: 'permanent', errorClass: 'http_4xx', reason: 'HTTP 409 Conflict' },
    ],
    [
      '400 with a key never',
      answered(400, { key: 'k' }),
      false,
      { outcome: 'permanent', errorClass: 'http_4xx', reason: 'HTTP 400 Bad Request' },
    ],
    [
      'v1 404 (user not identified) never, by default',
      answered(404, { url: V1_CUSTOM_EVENT }),
      false,
      { outcome: 'permanent', errorClass: 'http_4xx', reason: V1_NOT_IDENTIFIED_REASON },
    ],
    [
      'v1 404 retries with retryV1NotFound',
      answered(404, { url: V1_CUSTOM_EVENT }),
      true,
      { outcome: 'retry', errorClass: 'http_4xx', reason: V1_NOT_IDENTIFIED_REASON },
    ],
  ])('%s', (_name, sent, retryV1NotFound, expected) => {
    expect(classifySend(sent, { retryV1NotFound })).toEqual(expected);
  });

  it.each<[string, unknown, Classification]>([
    [
      'a timeout retries',
      new FullStoryTimeoutError('timed out after 10 ms'),
      { outcome: 'retry', errorClass: 'timeout', reason: 'timed out after 10 ms' },
    ],
    [
      'a network error retries',
      new FullStoryNetworkError('connect ECONNREFUSED', 'ECONNREFUSED'),
      { outcome: 'retry', errorClass: 'network', reason: 'connect ECONNREFUSED' },
    ],
  ])('%s', (_name, error, expected) => {
    const sub = answered(200).sub;
    expect(classifySend({ sub, error }, settings)).toEqual(expected);
  });
});

describe('backoffDelayMs: exponential with full jitter, never sooner than Retry-After (capped)', () => {
  it.each<[string, number, number | undefined, number, number]>([
    ['first run, top of the jitter', 1, undefined, 0.999, 999],
    ['fourth run doubles three times', 4, undefined, 0.999, 7992],
    ['capped at backoffMaxMs', 30, undefined, 0.999, 59_940],
    ['bottom of the jitter', 3, undefined, 0, 0],
    ['Retry-After above the jitter wins', 1, 2000, 0, 2000],
    ['the jitter above Retry-After wins', 4, 2000, 0.999, 7992],
    ['Retry-After capped at retryAfterCapSeconds', 1, 3_600_000, 0, 300_000],
  ])('%s', (_name, run, retryAfterMs, random, expected) => {
    expect(backoffDelayMs(run, settings, retryAfterMs, () => random)).toBe(expected);
  });
});

describe('shouldGiveUp: 4 hours or 10 runs per episode; the not-identified 404 only its short window', () => {
  const now = Date.parse('2026-01-01T12:00:00Z');
  const minutesAgo = (m: number) => new Date(now - m * 60_000);
  const retry: Classification = { outcome: 'retry', errorClass: 'http_5xx' };
  const notIdentified: Classification = { outcome: 'retry', errorClass: 'http_4xx', reason: V1_NOT_IDENTIFIED_REASON };
  it.each<[string, number, Date, Classification, string | null]>([
    ['run 9 of 10, just started', 9, minutesAgo(0), retry, null],
    ['run 10 of 10', 10, minutesAgo(0), retry, 'attempt cap reached'],
    ['within 4 hours', 2, minutesAgo(239), retry, null],
    ['after 4 hours', 2, minutesAgo(5 * 60), retry, 'retry window exceeded'],
    ['not identified, within 10 minutes', 2, minutesAgo(5), notIdentified, null],
    ['not identified, after 10 minutes', 2, minutesAgo(11), notIdentified, 'not-identified window exceeded'],
  ])('%s', (_name, run, started, classification, expected) => {
    expect(shouldGiveUp(run, started, settings, classification, now)).toBe(expected);
  });
});

describe('throttleAfter: 429 halves the concurrency and pauses the queue; each delivery adds one back', () => {
  it.each<
    [
      string,
      { status: string; rateLimitedForMs?: number },
      number,
      number,
      { concurrency: number; pauseMs: number | null },
    ]
  >([
    [
      '429 halves and pauses for the chosen delay',
      { status: 'retrying', rateLimitedForMs: 5000 },
      8,
      10,
      { concurrency: 4, pauseMs: 5000 },
    ],
    ['429 never below one', { status: 'retrying', rateLimitedForMs: 5000 }, 1, 10, { concurrency: 1, pauseMs: 5000 }],
    [
      'a zero delay still pauses for 1 ms',
      { status: 'retrying', rateLimitedForMs: 0 },
      3,
      10,
      { concurrency: 1, pauseMs: 1 },
    ],
    ['a delivery adds one', { status: 'delivered' }, 4, 10, { concurrency: 5, pauseMs: null }],
    [
      'a delivery never above the configured concurrency',
      { status: 'delivered' },
      10,
      10,
      { concurrency: 10, pauseMs: null },
    ],
    ['another retry leaves it', { status: 'retrying' }, 4, 10, { concurrency: 4, pauseMs: null }],
    ['a skip leaves it', { status: 'skipped' }, 4, 10, { concurrency: 4, pauseMs: null }],
    ['nothing to do leaves it', { status: 'noop' }, 4, 10, { concurrency: 4, pauseMs: null }],
  ])('%s', (_name, outcome, concurrency, max, expected) => {
    expect(throttleAfter(outcome, concurrency, max)).toEqual(expected);
  });
});

describe('jobBackoffMs: the delay the policy chose, 1 s for anything else', () => {
  it.each<[string, string | undefined, Error | undefined, number]>([
    ['a retryable delivery error', JOB_BACKOFF_TYPE, new RetryableDeliveryError('HTTP 500', 4321), 4321],
    ['another error', JOB_BACKOFF_TYPE, new Error('unforeseen'), 1000],
    ['another backoff type', 'exponential', new RetryableDeliveryError('HTTP 500', 4321), 1000],
  ])('%s', (_name, type, err, expected) => {
    expect(jobBackoffMs(type, err)).toBe(expected);
  });
});
