import { Injectable } from '@nestjs/common';
import { tooManyRequests } from '../../core/errors/app-error';
import { AuthenticatedSource } from './write-key.service';

interface Bucket {
  tokens: number;
  updated: number;
}

/**
 * Per-source token buckets (requests/s and events/s, off unless a source sets them), burst of one
 * second's worth; every event of a batch costs a token. In-process: with several ingest instances, each enforces the limit on its own share.
 */
@Injectable()
export class SourceRateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  check(source: AuthenticatedSource, events: number, now = Date.now()): void {
    if (source.rateLimitRequestsPerSecond)
      this.take(`r:${source.id}`, source.rateLimitRequestsPerSecond, 1, now, 'requests');
    if (source.rateLimitEventsPerSecond)
      this.take(`e:${source.id}`, source.rateLimitEventsPerSecond, events, now, 'events');
  }

  private take(key: string, ratePerSecond: number, cost: number, now: number, what: string): void {
    let b = this.buckets.get(key);
    if (!b) {
      b = { tokens: ratePerSecond, updated: now };
      this.buckets.set(key, b);
    }
    b.tokens = Math.min(ratePerSecond, b.tokens + ((now - b.updated) / 1000) * ratePerSecond);
    b.updated = now;
    // Every event is charged. A batch larger than the whole burst could never find that many tokens: it passes
    // when the bucket is full and leaves it in debt, so the source waits until the batch is paid for and its
    // average stays at the limit (a 2,500-event batch at 10 events/s blocks the source for 250 s).
    const needed = Math.min(cost, ratePerSecond);
    if (b.tokens < needed) {
      const retryAfter = Math.max(1, Math.ceil((needed - b.tokens) / ratePerSecond));
      throw tooManyRequests(retryAfter, `this source (${ratePerSecond} ${what}/s)`);
    }
    b.tokens -= cost;
  }
}
