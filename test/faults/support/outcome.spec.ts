import { AttemptFacts, requestIdentity, unexplained } from './outcome';

const row = (attemptNumber: number, decision: string, more: Partial<AttemptFacts> = {}): AttemptFacts => ({
  attemptNumber,
  decision,
  responseStatus: null,
  errorMessage: null,
  skipReason: null,
  requestMethod: decision === 'skipped' ? null : 'POST',
  ...more,
});
const ok = (n: number) => row(n, 'delivered', { responseStatus: 200 });
const retry = (n: number, status = 500) => row(n, 'retry_scheduled', { responseStatus: status });
const gaveUp = (n: number) =>
  row(n, 'failed_permanently', { responseStatus: 503, errorMessage: 'HTTP 503; gave up: attempt cap reached' });

describe('unexplained: do the attempt rows explain how the delivery ended?', () => {
  it.each<[string, string, AttemptFacts[], string | null]>([
    ['delivered first time', 'delivered', [ok(1)], null],
    ['delivered after retries', 'delivered', [retry(1), retry(2, 429), ok(3)], null],
    ['rejected with 400', 'failed', [row(1, 'failed_permanently', { responseStatus: 400 })], null],
    [
      'rejected with 400 after a retry',
      'failed',
      [retry(1), row(2, 'failed_permanently', { responseStatus: 400 })],
      null,
    ],
    ['gave up at the cap', 'failed', [retry(1), retry(2), gaveUp(3)], null],
    ['skipped by its trigger', 'skipped', [row(1, 'skipped', { skipReason: 'not subscribed' })], null],
    ['still pending', 'pending', [], 'still pending'],
    ['still retrying', 'retrying', [retry(1)], 'still retrying'],
    ['delivered with no row', 'delivered', [], 'delivered without any attempt row'],
    [
      'delivered, last row a retry',
      'delivered',
      [ok(1), retry(2)],
      'delivered, but the last attempt has retry_scheduled (500)',
    ],
    [
      'delivered on a 500',
      'delivered',
      [row(1, 'delivered', { responseStatus: 500 })],
      'delivered, but the last attempt has delivered (500)',
    ],
    ['a gap in the attempts', 'delivered', [retry(1), ok(3)], 'attempt numbers 1,3 have a gap'],
    ['beyond the cap', 'delivered', [retry(1), retry(2), retry(3), ok(4)], 'attempt 4 is beyond the cap of 3'],
    [
      'a failure followed by more',
      'failed',
      [row(1, 'failed_permanently', { responseStatus: 400 }), gaveUp(2)],
      'attempt 1 ended failed_permanently but was followed by another',
    ],
    ['failed with no failure row', 'failed', [retry(1)], 'failed without a failed_permanently attempt'],
    [
      'failed on a 503 without giving up',
      'failed',
      [row(1, 'failed_permanently', { responseStatus: 503, errorMessage: 'HTTP 503' })],
      'failed on a retryable answer (503) without giving up: HTTP 503',
    ],
    ['gave up before the cap', 'failed', [retry(1), gaveUp(2)], 'gave up at attempt 2, the cap is 3'],
    [
      'a 429 is not permanent',
      'failed',
      [row(1, 'failed_permanently', { responseStatus: 429 })],
      'failed on a retryable answer (429) without giving up: null',
    ],
    ['skipped without reason', 'skipped', [row(1, 'skipped')], 'skipped without a reason'],
    [
      'skipped with a request',
      'skipped',
      [row(1, 'skipped', { skipReason: 'filtered', requestMethod: 'POST' })],
      'skipped, yet a request was sent',
    ],
    [
      'skipped after a retry',
      'skipped',
      [retry(1), row(2, 'skipped', { skipReason: 'filtered' })],
      'skipped, but not by a single skipped attempt',
    ],
  ])('%s', (_name, status, attempts, expected) => {
    expect(unexplained(status, attempts, 3)).toBe(expected);
  });
});

describe('requestIdentity', () => {
  it.each<[string, string, string | null | undefined, string]>([
    ['POST', 'http://127.0.0.1:1/v2/events', 'abc', 'key abc'],
    [
      'post',
      'http://127.0.0.1:1/users/v1/individual/u-1/customevent?integration=segment',
      undefined,
      'POST /users/v1/individual/u-1/customevent',
    ],
    ['POST', '/users/v1/individual/u-1/customevent', null, 'POST /users/v1/individual/u-1/customevent'],
    ['DELETE', 'http://h/v2/users?uid=u', '', 'DELETE /v2/users'],
  ])('%s %s (key %s) is %s', (method, url, key, expected) => {
    expect(requestIdentity(method, url, key)).toBe(expected);
  });
});
