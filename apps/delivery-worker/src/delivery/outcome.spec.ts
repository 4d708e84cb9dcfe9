import { FullStoryNetworkError, FullStoryTimeoutError, V1_NOT_IDENTIFIED_REASON } from '@fsd/fullstory-contracts';
import { attemptRow } from '@fsd/delivery-data';
import type { Episode, SendResult } from './decision.types';
import { decideOutcome } from './outcome';
import { IDEMPOTENCY_IN_FLIGHT_REASON } from './retry-policy';

const now = new Date('2026-01-01T12:00:00Z');
const minutesAgo = (m: number) => new Date(now.getTime() - m * 60_000);
const settings = {
  retryV1NotFound: false,
  maxAttempts: 10,
  retryWindowHours: 4,
  v1NotFoundRetryMinutes: 10,
  backoffBaseMs: 1000,
  backoffMaxMs: 60_000,
  retryAfterCapSeconds: 300,
};
const V2 = 'https://api.fullstory.com/v2/events';
const V1 = 'https://api.fullstory.com/users/v1/individual/u-1/customevent?integration=segment';

function sub(id: string, url = V2, key?: string): SendResult['sub'] {
  return {
    subscriptionId: id,
    action: 'trackEventV2',
    request: { method: 'POST', url, headers: { Authorization: 'Basic secret-key' }, body: { name: 'x' } },
    idempotencyKey: key,
  };
}
const started = new Date(now.getTime() - 40);
function answer(status: number, opts: { id?: string; url?: string; key?: string; retryAfter?: string } = {}) {
  const headers: Record<string, string> = opts.retryAfter ? { 'retry-after': opts.retryAfter } : {};
  const response = { status, statusText: '', headers, body: '{}', latencyMs: 12.4 };
  return { sub: sub(opts.id ?? 's', opts.url, opts.key), startedAt: started, finishedAt: now, response };
}
const thrown = (error: Error): SendResult => ({ sub: sub('s'), startedAt: started, finishedAt: now, error });

const episode = (over: Partial<Episode> = {}): Episode => ({
  attemptNumber: 2,
  trigger: 'retry',
  isNew: false,
  runNumber: 2,
  startedAt: minutesAgo(1),
  ...over,
});
const invalidMapping = attemptRow(episode(), now, now, {
  subscriptionId: 'mapping:2',
  decision: 'failed_permanently',
  errorClass: 'validation',
  errorMessage: 'userId is required',
});

interface Extra {
  episode?: Partial<Episode>;
  failedEarlier?: string;
  validationFailed?: boolean;
  retryV1NotFound?: boolean;
}
interface Expected {
  status: string;
  reason: string;
  decisions: string[];
  /** The retry's delay (random fixed at 0.5) and whether FullStory asked to slow down; absent when not retrying. */
  retry?: [number, boolean];
}

const E500 = 'HTTP 500 Internal Server Error';
describe('decideOutcome: delivered, retry at T, or failed (docs/architecture.md "Retries")', () => {
  it.each<[string, SendResult[], Extra, Expected]>([
    [
      'every request answered 2xx',
      [answer(200, { id: 'a' }), answer(202, { id: 'b' })],
      {},
      { status: 'delivered', reason: 'delivered', decisions: ['delivered', 'delivered'] },
    ],
    ['nothing left to send', [], {}, { status: 'delivered', reason: 'delivered', decisions: [] }],
    [
      'a 500 retries after the backoff',
      [answer(500)],
      {},
      { status: 'retrying', reason: E500, decisions: ['retry_scheduled'], retry: [1000, false] },
    ],
    [
      'the backoff grows with the run',
      [answer(500)],
      { episode: { runNumber: 4 } },
      { status: 'retrying', reason: E500, decisions: ['retry_scheduled'], retry: [4000, false] },
    ],
    [
      'one delivered, one 503: retrying, the delivered one kept',
      [answer(200, { id: 'a' }), answer(503, { id: 'b' })],
      {},
      {
        status: 'retrying',
        reason: 'HTTP 503 Service Unavailable',
        decisions: ['delivered', 'retry_scheduled'],
        retry: [1000, false],
      },
    ],
    [
      'a 429 waits for Retry-After and slows the queue down',
      [answer(429, { retryAfter: '7' })],
      {},
      { status: 'retrying', reason: 'HTTP 429 Too Many Requests', decisions: ['retry_scheduled'], retry: [7000, true] },
    ],
    [
      'the longest Retry-After of the run wins',
      [answer(429, { id: 'a', retryAfter: '3' }), answer(503, { id: 'b', retryAfter: '9' })],
      {},
      {
        status: 'retrying',
        reason: 'HTTP 429 Too Many Requests',
        decisions: ['retry_scheduled', 'retry_scheduled'],
        retry: [9000, true],
      },
    ],
    [
      'a timeout retries',
      [thrown(new FullStoryTimeoutError('timed out after 10000 ms'))],
      {},
      { status: 'retrying', reason: 'timed out after 10000 ms', decisions: ['retry_scheduled'], retry: [1000, false] },
    ],
    [
      'a 409 to a keyed request retries',
      [answer(409, { key: 'k' })],
      {},
      {
        status: 'retrying',
        reason: IDEMPOTENCY_IN_FLIGHT_REASON,
        decisions: ['retry_scheduled'],
        retry: [1000, false],
      },
    ],
    [
      'a 400 fails',
      [answer(400)],
      {},
      { status: 'failed', reason: 'HTTP 400 Bad Request', decisions: ['failed_permanently'] },
    ],
    [
      'one 400, one 500: retrying, the 400 stays failed',
      [answer(400, { id: 'a' }), answer(500, { id: 'b' })],
      {},
      { status: 'retrying', reason: E500, decisions: ['failed_permanently', 'retry_scheduled'], retry: [1000, false] },
    ],
    [
      'run 10 of 10 gives up',
      [answer(500)],
      { episode: { runNumber: 10 } },
      { status: 'failed', reason: `${E500}; gave up: attempt cap reached`, decisions: ['failed_permanently'] },
    ],
    [
      'after 4 hours it gives up',
      [answer(500)],
      { episode: { startedAt: minutesAgo(241) } },
      { status: 'failed', reason: `${E500}; gave up: retry window exceeded`, decisions: ['failed_permanently'] },
    ],
    [
      'a network error past the cap keeps its own message',
      [thrown(new FullStoryNetworkError('connect ECONNREFUSED'))],
      { episode: { runNumber: 10 } },
      { status: 'failed', reason: 'connect ECONNREFUSED', decisions: ['failed_permanently'] },
    ],
    [
      'a v1 404 fails by default',
      [answer(404, { url: V1 })],
      {},
      { status: 'failed', reason: V1_NOT_IDENTIFIED_REASON, decisions: ['failed_permanently'] },
    ],
    [
      'a v1 404 retries within 10 minutes with retryV1NotFound',
      [answer(404, { url: V1 })],
      { retryV1NotFound: true, episode: { startedAt: minutesAgo(9) } },
      { status: 'retrying', reason: V1_NOT_IDENTIFIED_REASON, decisions: ['retry_scheduled'], retry: [1000, false] },
    ],
    [
      'a v1 404 gives up after 10 minutes',
      [answer(404, { url: V1 })],
      { retryV1NotFound: true, episode: { startedAt: minutesAgo(11) } },
      {
        status: 'failed',
        reason: `${V1_NOT_IDENTIFIED_REASON}; gave up: not-identified window exceeded`,
        decisions: ['failed_permanently'],
      },
    ],
    [
      'delivered now, failed earlier in the episode: failed',
      [answer(200)],
      { failedEarlier: 'HTTP 400 Bad Request' },
      { status: 'failed', reason: 'HTTP 400 Bad Request', decisions: ['delivered'] },
    ],
    [
      'a retry while failed earlier in the episode: retrying',
      [answer(500)],
      { failedEarlier: 'HTTP 400 Bad Request' },
      { status: 'retrying', reason: E500, decisions: ['retry_scheduled'], retry: [1000, false] },
    ],
    [
      'a mapping failed validation, the rest delivered: failed',
      [answer(200)],
      { validationFailed: true },
      { status: 'failed', reason: 'userId is required', decisions: ['failed_permanently', 'delivered'] },
    ],
  ])('%s', (_name, sent, extra, expected) => {
    const outcome = decideOutcome({
      sent,
      validationFailures: extra.validationFailed ? [invalidMapping] : [],
      failedEarlier: extra.failedEarlier ?? null,
      episode: episode(extra.episode),
      settings: { ...settings, retryV1NotFound: extra.retryV1NotFound ?? false },
      now,
      random: () => 0.5,
    });
    expect(outcome.status).toBe(expected.status);
    expect(outcome.reason).toBe(expected.reason);
    expect(outcome.attempts.map((a) => a.decision)).toEqual(expected.decisions);
    const retry = expected.retry && {
      delayMs: expected.retry[0],
      retryAt: new Date(now.getTime() + expected.retry[0]),
    };
    expect(outcome.retry).toEqual(retry ? { ...retry, rateLimited: expected.retry?.[1] } : null);
    const retryAt = outcome.attempts.map((a) => a.retryAt);
    expect(retryAt).toEqual(expected.decisions.map((d) => (d === 'retry_scheduled' ? retry?.retryAt : null)));
  });
});

describe('decideOutcome: the audit rows', () => {
  it('records the request (secret redacted, Idempotency-Key shown) and the response of each attempt', () => {
    const outcome = decideOutcome({
      sent: [answer(200, { id: 'a', key: 'k-1' }), thrown(new FullStoryTimeoutError('timed out'))],
      validationFailures: [],
      failedEarlier: null,
      episode: episode({ attemptNumber: 5 }),
      settings,
      now,
      random: () => 0.5,
    });
    const [ok, timedOut] = outcome.attempts;
    expect(ok).toMatchObject({
      attemptNumber: 5,
      trigger: 'retry',
      subscriptionId: 'a',
      requestHeaders: { Authorization: 'Basic [redacted]', 'Idempotency-Key': 'k-1' },
      requestBody: { name: 'x' },
      responseStatus: 200,
      responseBody: '{}',
      latencyMs: 12,
      errorClass: null,
      errorMessage: null,
    });
    expect(timedOut).toMatchObject({
      responseStatus: null,
      latencyMs: 40,
      errorClass: 'timeout',
      errorMessage: 'timed out',
    });
    expect(JSON.stringify(outcome.attempts)).not.toContain('secret-key');
  });
});
