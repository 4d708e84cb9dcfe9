import { Inject, Injectable, Logger } from '@nestjs/common';
import { AppError, tooManyRequests } from '../core/errors/app-error';
import { INGEST_CONFIG, IngestConfig } from '../core/config/ingest.config';
import { QueueRegistry } from '../core/queue/queue-registry.service';
import { messageOf } from '../core/errors/message-of';

/** Wrong tokens allowed per client address within one window before logins from it are refused. */
export const LOGIN_FAILURES_ALLOWED = 5;
export const LOGIN_WINDOW_MS = 60_000;
/** A login must not wait out a Redis outage (the queue connection retries for ever). */
const REDIS_TIMEOUT_MS = 2000;

/**
 * Counts a failure: a new window when there is none or it has ended (at `now`, the caller's clock), else one more.
 * The key expires with its window, so addresses that stop failing leave nothing behind.
 */
const FAILED_SCRIPT = `
local start = tonumber(redis.call('HGET', KEYS[1], 'start'))
local now = tonumber(ARGV[1])
if start == nil or now - start >= tonumber(ARGV[2]) then
  redis.call('HSET', KEYS[1], 'start', now, 'count', 1)
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
return redis.call('HINCRBY', KEYS[1], 'count', 1)`;

const unavailable = () =>
  new AppError(503, 'login_unavailable', 'Logins cannot be checked right now (Redis does not answer); retry later', {
    'Retry-After': '5',
  });

/**
 * Slows down guessing of tokens through the operations page's login form and the queue dashboard's Basic prompt
 * (one budget for both): after LOGIN_FAILURES_ALLOWED wrong tokens from one address within LOGIN_WINDOW_MS, that
 * address gets 429 with Retry-After until the window ends, whatever it sends. A correct login clears its count.
 * Kept in Redis, so every ingest process shares one budget per address (N processes do not allow N × 5 guesses);
 * one key per address, its hash tag the address (one slot per key on a Redis Cluster). Without Redis it refuses
 * (503) rather than let guesses through unthrottled.
 */
@Injectable()
export class LoginThrottle {
  private readonly logger = new Logger(LoginThrottle.name);

  constructor(
    @Inject(INGEST_CONFIG) private readonly config: IngestConfig,
    private readonly queues: QueueRegistry,
  ) {}

  /** Throws 429 while the address is locked out. */
  async check(address: string, now = Date.now()): Promise<void> {
    const [count, start] = await this.redis(this.queues.connection.hmget(this.key(address), 'count', 'start'));
    if (count === null || start === null) return;
    const windowEnd = Number(start) + LOGIN_WINDOW_MS;
    if (now < windowEnd && Number(count) >= LOGIN_FAILURES_ALLOWED) {
      const retryAfter = Math.max(1, Math.ceil((windowEnd - now) / 1000));
      throw tooManyRequests(retryAfter, 'admin logins from this address (too many wrong tokens)');
    }
  }

  async failed(address: string, now = Date.now()): Promise<void> {
    await this.redis(this.queues.connection.eval(FAILED_SCRIPT, 1, this.key(address), now, LOGIN_WINDOW_MS));
  }

  async succeeded(address: string): Promise<void> {
    await this.redis(this.queues.connection.del(this.key(address)));
  }

  private key(address: string): string {
    return `${this.config.queuePrefix}:admin-login-failures:{${address}}`;
  }

  private async redis<T>(command: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(unavailable()), REDIS_TIMEOUT_MS);
    });
    try {
      return await Promise.race([command, timeout]);
    } catch (e) {
      if (e instanceof AppError) throw e;
      this.logger.warn(`login throttle: Redis refused a command, so the login is refused: ${messageOf(e)}`);
      throw unavailable();
    } finally {
      clearTimeout(timer);
    }
  }
}
