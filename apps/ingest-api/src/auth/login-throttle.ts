import { Injectable } from '@nestjs/common';
import { tooManyRequests } from '../core/errors/app-error';

/** Wrong tokens allowed per client address within one window before logins from it are refused. */
export const LOGIN_FAILURES_ALLOWED = 5;
export const LOGIN_WINDOW_MS = 60_000;
const MAX_TRACKED_ADDRESSES = 10_000;

interface Failures {
  count: number;
  windowStart: number;
}

/**
 * Slows down guessing of the admin token through the operations page's login form: after
 * LOGIN_FAILURES_ALLOWED wrong tokens from one address within LOGIN_WINDOW_MS, that address gets 429
 * with Retry-After until the window ends, whatever it sends. A correct login clears its count.
 * In-process, like the source rate limits.
 */
@Injectable()
export class LoginThrottle {
  private readonly failures = new Map<string, Failures>();

  /** Throws 429 while the address is locked out. */
  check(address: string, now = Date.now()): void {
    const f = this.current(address, now);
    if (f && f.count >= LOGIN_FAILURES_ALLOWED) {
      const retryAfter = Math.max(1, Math.ceil((f.windowStart + LOGIN_WINDOW_MS - now) / 1000));
      throw tooManyRequests(retryAfter, 'admin logins from this address (too many wrong tokens)');
    }
  }

  failed(address: string, now = Date.now()): void {
    const f = this.current(address, now);
    if (f) {
      f.count++;
      return;
    }
    if (this.failures.size >= MAX_TRACKED_ADDRESSES) this.evictExpired(now);
    this.failures.set(address, { count: 1, windowStart: now });
  }

  succeeded(address: string): void {
    this.failures.delete(address);
  }

  private current(address: string, now: number): Failures | undefined {
    const f = this.failures.get(address);
    if (f && now - f.windowStart >= LOGIN_WINDOW_MS) {
      this.failures.delete(address);
      return undefined;
    }
    return f;
  }

  private evictExpired(now: number): void {
    for (const [address, f] of this.failures) {
      if (now - f.windowStart >= LOGIN_WINDOW_MS) this.failures.delete(address);
    }
    // Still full (many addresses failing at once): forget the oldest half rather than grow without bound.
    if (this.failures.size >= MAX_TRACKED_ADDRESSES) {
      let drop = Math.floor(this.failures.size / 2);
      for (const address of this.failures.keys()) {
        if (drop-- <= 0) break;
        this.failures.delete(address);
      }
    }
  }
}
