import { classifyError, classifyResponse, parseRetryAfter, V1_NOT_IDENTIFIED_REASON } from './classify';
import { FullStoryNetworkError, FullStoryTimeoutError } from './errors';
import { statusText } from './status-text';

const res = (status: number, headers: Record<string, string> = {}) => ({ status, headers });

describe('classifyResponse', () => {
  it.each([200, 201, 202, 204, 299])('%i is success', (status) => {
    expect(classifyResponse(res(status))).toEqual({ outcome: 'success' });
  });

  it('429 is rate_limited with Retry-After seconds', () => {
    expect(classifyResponse(res(429, { 'Retry-After': '7' }))).toEqual({
      outcome: 'retry',
      errorClass: 'rate_limited',
      reason: 'HTTP 429 Too Many Requests',
      retryAfterMs: 7000,
    });
  });

  it('429 with an HTTP-date Retry-After', () => {
    const at = new Date(Date.now() + 5000).toUTCString();
    const c = classifyResponse(res(429, { 'retry-after': at }));
    expect(c.errorClass).toBe('rate_limited');
    expect(c.retryAfterMs).toBeGreaterThan(3000);
    expect(c.retryAfterMs).toBeLessThanOrEqual(5000);
  });

  it('429 without Retry-After has no retryAfterMs', () => {
    expect(classifyResponse(res(429))).toEqual({
      outcome: 'retry',
      errorClass: 'rate_limited',
      reason: 'HTTP 429 Too Many Requests',
    });
  });

  it.each([408, 423])('%i is retried', (status) => {
    expect(classifyResponse(res(status))).toMatchObject({ outcome: 'retry', errorClass: 'http_4xx' });
  });

  it.each([400, 401, 403, 404, 409, 413, 422])('%i is permanent http_4xx', (status) => {
    expect(classifyResponse(res(status))).toEqual({
      outcome: 'permanent',
      errorClass: 'http_4xx',
      reason: `HTTP ${status} ${statusText(status)}`,
    });
  });

  it.each([500, 502, 503, 504, 599])('%i is retried http_5xx', (status) => {
    expect(classifyResponse(res(status))).toMatchObject({ outcome: 'retry', errorClass: 'http_5xx' });
  });

  it('503 honours Retry-After when present', () => {
    expect(classifyResponse(res(503, { 'retry-after': '2' })).retryAfterMs).toBe(2000);
  });

  it('501 is permanent', () => {
    expect(classifyResponse(res(501))).toMatchObject({ outcome: 'permanent', errorClass: 'http_5xx' });
  });

  it('v1 customevent/customvars 404 means the user is not identified', () => {
    for (const path of ['customevent', 'customvars']) {
      const url = `https://api.fullstory.com/users/v1/individual/fake%2Fuser%2Fid/${path}?integration=segment`;
      expect(classifyResponse(res(404), { url })).toEqual({
        outcome: 'permanent',
        errorClass: 'http_4xx',
        reason: V1_NOT_IDENTIFIED_REASON,
      });
      expect(classifyResponse(res(404), { url, retryV1NotFound: true })).toEqual({
        outcome: 'retry',
        errorClass: 'http_4xx',
        reason: V1_NOT_IDENTIFIED_REASON,
      });
    }
  });

  it('other 404s are plain permanent errors', () => {
    const c = classifyResponse(res(404), { url: 'https://api.fullstory.com/v2/users/1', retryV1NotFound: true });
    expect(c).toEqual({ outcome: 'permanent', errorClass: 'http_4xx', reason: 'HTTP 404 Not Found' });
  });

  it('unexpected 3xx is permanent', () => {
    expect(classifyResponse(res(302)).outcome).toBe('permanent');
  });
});

describe('parseRetryAfter', () => {
  it('parses seconds, dates and rejects garbage', () => {
    expect(parseRetryAfter('0')).toBe(0);
    expect(parseRetryAfter(' 3 ')).toBe(3000);
    expect(parseRetryAfter('1.5')).toBe(1500);
    expect(parseRetryAfter(undefined)).toBeUndefined();
    expect(parseRetryAfter('')).toBeUndefined();
    expect(parseRetryAfter('-1')).toBeUndefined();
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:00 GMT', Date.parse('2015-10-21T07:27:00Z'))).toBe(60000);
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:00 GMT', Date.parse('2016-01-01T00:00:00Z'))).toBe(0);
  });
});

describe('classifyError', () => {
  it('timeouts and network failures are retried', () => {
    expect(classifyError(new FullStoryTimeoutError('t'))).toEqual({
      outcome: 'retry',
      errorClass: 'timeout',
      reason: 't',
    });
    expect(classifyError(new FullStoryNetworkError('n'))).toEqual({
      outcome: 'retry',
      errorClass: 'network',
      reason: 'n',
    });
    const abort = new Error('aborted');
    abort.name = 'AbortError';
    expect(classifyError(abort).errorClass).toBe('timeout');
    expect(classifyError(Object.assign(new Error('x'), { code: 'UND_ERR_HEADERS_TIMEOUT' })).errorClass).toBe(
      'timeout',
    );
    expect(classifyError(Object.assign(new Error('x'), { code: 'ECONNRESET' })).errorClass).toBe('network');
    expect(classifyError('weird')).toEqual({ outcome: 'retry', errorClass: 'network', reason: 'weird' });
  });
});

describe('statusText', () => {
  it('knows the common phrases', () => {
    expect(statusText(401)).toBe('Unauthorized');
    expect(statusText(429)).toBe('Too Many Requests');
    expect(statusText(799)).toBe('');
  });
});
