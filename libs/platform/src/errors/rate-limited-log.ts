import { Logger } from '@nestjs/common';
import { messageOf } from './message-of';

/** Anything that reports failures as 'error' events (a pg Pool, an ioredis client, a BullMQ queue or worker, a thread). */
interface ErrorEmitter {
  on(event: 'error', listener: (e: Error) => void): unknown;
}

/**
 * Logs a recurring failure at most once per interval per key, then says how many were left out: an outage
 * reported once in a while instead of thousands of lines a second, and never dropped silently.
 */
export class RateLimitedLog {
  private readonly last = new Map<string, { at: number; suppressed: number }>();

  constructor(
    private readonly logger: Pick<Logger, 'warn'>,
    private readonly intervalMs = 30_000,
    private readonly now: () => number = Date.now,
  ) {}

  warn(key: string, message: string): void {
    const t = this.now();
    const seen = this.last.get(key);
    if (seen && t - seen.at < this.intervalMs) {
      seen.suppressed++;
      return;
    }
    const more = seen && seen.suppressed > 0 ? ` (${seen.suppressed} more since the last report)` : '';
    this.last.set(key, { at: t, suppressed: 0 });
    this.logger.warn(`${message}${more}`);
  }
}

const shared = new RateLimitedLog(new Logger('Connections'));

/** Logs the 'error' events of a pool, client, queue or thread, rate-limited, under `what`. */
export function logErrors(emitter: ErrorEmitter, what: string, log: RateLimitedLog = shared): void {
  emitter.on('error', (e) => log.warn(what, `${what}: ${messageOf(e)}`));
}
