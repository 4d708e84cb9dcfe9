import { AppError } from '../core/errors/app-error';
import { LOGIN_FAILURES_ALLOWED, LOGIN_WINDOW_MS, LoginThrottle } from './login-throttle';

describe('LoginThrottle', () => {
  const t0 = 1_000_000;

  function failTimes(throttle: LoginThrottle, address: string, n: number, now = t0): void {
    for (let i = 0; i < n; i++) {
      throttle.check(address, now);
      throttle.failed(address, now);
    }
  }

  it('refuses an address with 429 and Retry-After after too many wrong tokens, until the window ends', () => {
    const throttle = new LoginThrottle();
    failTimes(throttle, '10.0.0.1', LOGIN_FAILURES_ALLOWED);
    let refused: unknown;
    try {
      throttle.check('10.0.0.1', t0 + 20_000);
    } catch (e) {
      refused = e;
    }
    expect(refused).toBeInstanceOf(AppError);
    expect((refused as AppError).status).toBe(429);
    expect((refused as AppError).headers['Retry-After']).toBe('40');
    expect(() => throttle.check('10.0.0.2', t0 + 20_000)).not.toThrow();
    expect(() => throttle.check('10.0.0.1', t0 + LOGIN_WINDOW_MS)).not.toThrow();
  });

  it('allows fewer failures than the limit, and a correct login clears the count', () => {
    const throttle = new LoginThrottle();
    failTimes(throttle, 'a', LOGIN_FAILURES_ALLOWED - 1);
    expect(() => throttle.check('a', t0)).not.toThrow();
    throttle.succeeded('a');
    failTimes(throttle, 'a', LOGIN_FAILURES_ALLOWED - 1);
    expect(() => throttle.check('a', t0)).not.toThrow();
  });

  it('stays bounded when very many addresses fail', () => {
    const throttle = new LoginThrottle();
    for (let i = 0; i < 25_000; i++) throttle.failed(`addr-${i}`, t0);
    expect((throttle as unknown as { failures: Map<string, unknown> }).failures.size).toBeLessThanOrEqual(10_000);
  });
});
