import { V1_NOT_IDENTIFIED_REASON } from '@fsd/fullstory-contracts';
import { IDEMPOTENCY_IN_FLIGHT_REASON, backoffDelayMs, retryClassification, shouldGiveUp } from './retry-policy';

const settings = {
  backoffBaseMs: 1000,
  backoffMaxMs: 60_000,
  retryAfterCapSeconds: 300,
  maxAttempts: 10,
  retryWindowHours: 4,
  v1NotFoundRetryMinutes: 10,
};

describe('backoffDelayMs', () => {
  it('grows exponentially under full jitter and respects the cap', () => {
    expect(backoffDelayMs(1, settings, undefined, () => 0.999)).toBe(999);
    expect(backoffDelayMs(4, settings, undefined, () => 0.999)).toBe(7992);
    expect(backoffDelayMs(30, settings, undefined, () => 0.999)).toBe(59_940);
    expect(backoffDelayMs(3, settings, undefined, () => 0)).toBe(0);
  });

  it('never retries sooner than Retry-After, capped', () => {
    expect(backoffDelayMs(1, settings, 2000, () => 0)).toBe(2000);
    expect(backoffDelayMs(1, settings, 3_600_000, () => 0)).toBe(300_000);
  });
});

describe('shouldGiveUp', () => {
  const now = Date.parse('2026-01-01T12:00:00Z');
  const retry = { outcome: 'retry' as const, errorClass: 'http_5xx' as const };
  it('stops at the attempt cap', () => {
    expect(shouldGiveUp(10, new Date(now), settings, retry, now)).toBe('attempt cap reached');
    expect(shouldGiveUp(9, new Date(now), settings, retry, now)).toBeNull();
  });
  it('stops after the window', () => {
    expect(shouldGiveUp(2, new Date(now - 5 * 3600_000), settings, retry, now)).toBe('retry window exceeded');
  });
  it('gives the not-identified 404 only its short window', () => {
    const notFound = { outcome: 'retry' as const, errorClass: 'http_4xx' as const, reason: V1_NOT_IDENTIFIED_REASON };
    expect(shouldGiveUp(2, new Date(now - 11 * 60_000), settings, notFound, now)).toBe(
      'not-identified window exceeded',
    );
    expect(shouldGiveUp(2, new Date(now - 5 * 60_000), settings, notFound, now)).toBeNull();
  });
});

describe('retryClassification', () => {
  const conflict = { outcome: 'permanent' as const, errorClass: 'http_4xx' as const, reason: 'HTTP 409 Conflict' };
  it('retries a 409 to a request that carried an Idempotency-Key (an earlier attempt is still running)', () => {
    expect(retryClassification(conflict, 409, 'k')).toEqual({
      outcome: 'retry',
      errorClass: 'http_4xx',
      reason: IDEMPOTENCY_IN_FLIGHT_REASON,
    });
  });
  it('keeps a 409 without an Idempotency-Key, and every other answer, as classified', () => {
    expect(retryClassification(conflict, 409, undefined)).toBe(conflict);
    const badRequest = {
      outcome: 'permanent' as const,
      errorClass: 'http_4xx' as const,
      reason: 'HTTP 400 Bad Request',
    };
    expect(retryClassification(badRequest, 400, 'k')).toBe(badRequest);
    const success = { outcome: 'success' as const };
    expect(retryClassification(success, 200, 'k')).toBe(success);
  });
});
