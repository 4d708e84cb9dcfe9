import { AppError } from '../common/errors/app-error';
import { SourceRateLimiter } from './source-rate-limiter';

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
});
