import { AppError } from '../../core/errors/app-error';
import { SourceRateLimiter } from './source-rate-limiter';
import type { AuthenticatedSource } from './write-key.service';

describe('SourceRateLimiter', () => {
  const source = { id: 's1', rateLimitRequestsPerSecond: 2, rateLimitEventsPerSecond: null };

  it('is off unless the source sets a limit', () => {
    const limiter = new SourceRateLimiter();
    const open = { id: 's2', rateLimitRequestsPerSecond: null, rateLimitEventsPerSecond: null };
    expect(() => {
      for (let i = 0; i < 1000; i++) limiter.check(open, 100, 0);
    }).not.toThrow();
  });

  it('answers 429 with an integer Retry-After past the limit, and refills', () => {
    const limiter = new SourceRateLimiter();
    limiter.check(source, 1, 0);
    limiter.check(source, 1, 0);
    let error: unknown;
    try {
      limiter.check(source, 1, 0);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).status).toBe(429);
    expect((error as AppError).headers['Retry-After']).toMatch(/^\d+$/);
    expect(() => limiter.check(source, 1, 600)).not.toThrow();
  });

  it('limits events per second by batch size', () => {
    const limiter = new SourceRateLimiter();
    const s = { id: 's3', rateLimitRequestsPerSecond: null, rateLimitEventsPerSecond: 100 };
    limiter.check(s, 60, 0);
    expect(() => limiter.check(s, 60, 0)).toThrow(/100 events\/s/);
  });

  function outcome(limiter: SourceRateLimiter, s: AuthenticatedSource, events: number, at: number): string {
    try {
      limiter.check(s, events, at);
      return 'ok';
    } catch (e) {
      return `429 retry after ${(e as AppError).headers['Retry-After']}`;
    }
  }

  it.each([
    // [events per request, at ms] sequences at 10 events/s (burst 10)
    [
      'ten single events pass, the eleventh waits',
      [
        [1, 0],
        [1, 0],
        [1, 0],
        [1, 0],
        [1, 0],
        [1, 0],
        [1, 0],
        [1, 0],
        [1, 0],
        [1, 0],
        [1, 0],
      ],
      ['ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'ok', '429 retry after 1'],
    ],
    [
      'a batch of ten empties the bucket',
      [
        [10, 0],
        [1, 0],
        [1, 100],
      ],
      ['ok', '429 retry after 1', 'ok'],
    ],
    [
      'a batch of 2,500 passes once, then the source waits 250 s',
      [
        [2500, 0],
        [1, 0],
        [2500, 1000],
        [1, 249_000],
        [1, 249_100],
      ],
      ['ok', '429 retry after 250', '429 retry after 249', '429 retry after 1', 'ok'],
    ],
    [
      'a big batch waits for a full bucket',
      [
        [5, 0],
        [2500, 0],
        [2500, 500],
      ],
      ['ok', '429 retry after 1', 'ok'],
    ],
  ])('%s', (_name, calls, expected) => {
    const limiter = new SourceRateLimiter();
    const s = { id: 'tbl', rateLimitRequestsPerSecond: null, rateLimitEventsPerSecond: 10 };
    expect(calls.map(([events, at]) => outcome(limiter, s, events, at))).toEqual(expected);
  });

  it('holds the average: one 2,500-event batch a second for 1,000 s passes 4 batches, not 1,000', () => {
    const limiter = new SourceRateLimiter();
    const s = { id: 'avg', rateLimitRequestsPerSecond: null, rateLimitEventsPerSecond: 10 };
    let passed = 0;
    for (let second = 0; second < 1000; second++) if (outcome(limiter, s, 2500, second * 1000) === 'ok') passed += 1;
    expect(passed).toBe(4);
  });
});
