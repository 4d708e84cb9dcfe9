import Redis from 'ioredis';
import { AppError } from '../core/errors/app-error';
import type { IngestConfig } from '../core/config/ingest.config';
import type { QueueRegistry } from '../core/queue/queue-registry.service';
import { LOGIN_FAILURES_ALLOWED, LOGIN_WINDOW_MS, LoginThrottle } from './login-throttle';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Against the real Redis, under a prefix of its own that it removes afterwards; times are given explicitly. */
describe('LoginThrottle', () => {
  const prefix = `fsdtest_throttle_${process.pid}_${Date.now()}`;
  let redis: Redis;
  const t0 = 1_000_000;
  /** A throttle on this Redis client, as one ingest process has (its config and queue connection). */
  const throttleOn = (client: Redis) =>
    new LoginThrottle({ queuePrefix: prefix } as IngestConfig, { connection: client } as unknown as QueueRegistry);
  const throttle = () => throttleOn(redis);

  beforeAll(() => {
    redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  });

  afterAll(async () => {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });

  async function failTimes(t: LoginThrottle, address: string, n: number, now = t0): Promise<void> {
    for (let i = 0; i < n; i++) {
      await t.check(address, now);
      await t.failed(address, now);
    }
  }

  async function refusal(t: LoginThrottle, address: string, now: number): Promise<AppError | null> {
    try {
      await t.check(address, now);
      return null;
    } catch (e) {
      return e as AppError;
    }
  }

  it('refuses an address with 429 and Retry-After after too many wrong tokens, until the window ends', async () => {
    const t = throttle();
    await failTimes(t, '10.0.0.1', LOGIN_FAILURES_ALLOWED);
    const refused = await refusal(t, '10.0.0.1', t0 + 20_000);
    expect(refused).toBeInstanceOf(AppError);
    expect(refused?.status).toBe(429);
    expect(refused?.headers['Retry-After']).toBe('40');
    expect(await refusal(t, '10.0.0.2', t0 + 20_000)).toBeNull();
    expect(await refusal(t, '10.0.0.1', t0 + LOGIN_WINDOW_MS)).toBeNull();
    // A failure after the window starts a new one: one failure, not six.
    await t.failed('10.0.0.1', t0 + LOGIN_WINDOW_MS);
    expect(await redis.hgetall(`${prefix}:admin-login-failures:{10.0.0.1}`)).toEqual({
      start: String(t0 + LOGIN_WINDOW_MS),
      count: '1',
    });
  });

  it('allows fewer failures than the limit, and a correct login clears the count', async () => {
    const t = throttle();
    await failTimes(t, 'a', LOGIN_FAILURES_ALLOWED - 1);
    expect(await refusal(t, 'a', t0)).toBeNull();
    await t.succeeded('a');
    await failTimes(t, 'a', LOGIN_FAILURES_ALLOWED - 1);
    expect(await refusal(t, 'a', t0)).toBeNull();
  });

  it('shares one budget between processes: each its own client, one count per address', async () => {
    const other = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    try {
      const one = throttle();
      const two = throttleOn(other);
      await failTimes(one, '2001:db8::7', 3);
      await failTimes(two, '2001:db8::7', LOGIN_FAILURES_ALLOWED - 3);
      expect((await refusal(one, '2001:db8::7', t0 + 1000))?.status).toBe(429);
      expect((await refusal(two, '2001:db8::7', t0 + 1000))?.status).toBe(429);
      // The key expires with its window (the caller's clock decides; Redis only cleans up).
      const ttl = await redis.pttl(`${prefix}:admin-login-failures:{2001:db8::7}`);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(LOGIN_WINDOW_MS);
    } finally {
      await other.quit();
    }
  });

  it('refuses with 503 when Redis does not answer, rather than let guesses through', async () => {
    // disconnectTimeout 0: ioredis keeps a timer of that length (2 s by default) after disconnecting a client whose
    // connection failed, and the Jest worker running this file waited for it before it could exit.
    const dead = new Redis('redis://127.0.0.1:9', {
      maxRetriesPerRequest: null,
      lazyConnect: true,
      disconnectTimeout: 0,
    });
    dead.on('error', () => undefined);
    try {
      const t = throttleOn(dead);
      const refused = await refusal(t, '10.0.0.9', t0);
      expect(refused?.status).toBe(503);
      expect(refused?.code).toBe('login_unavailable');
    } finally {
      dead.disconnect();
    }
  });
});
