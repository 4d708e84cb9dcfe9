import Redis, { RedisOptions } from 'ioredis';
import { redactUrl } from '../config/env';
import { logErrors } from '../errors/rate-limited-log';
import { messageOf } from '../errors/message-of';

export class RedisUnreachableError extends Error {
  constructor(url: string, cause: unknown) {
    super(
      `Cannot reach Redis at ${redactUrl(url)} (${messageOf(cause)}).\n` +
        'Start it, for example with `docker compose up -d postgres redis`, or ' +
        '`redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no`; ' +
        'or point REDIS_URL at a running server.',
    );
    this.name = 'RedisUnreachableError';
  }
}

export async function assertRedisReachable(url: string): Promise<void> {
  const client = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    connectTimeout: 3000,
    retryStrategy: () => null,
  });
  // The failure is what connect() rejects with, reported below; the event only repeats it.
  let failure: unknown;
  client.on('error', (e) => (failure ??= e));
  try {
    await client.connect();
    await client.ping();
  } catch (e) {
    throw new RedisUnreachableError(url, e ?? failure);
  } finally {
    client.disconnect();
  }
}

/** The options of every BullMQ connection (BullMQ needs maxRetriesPerRequest: null); plain data, so a worker thread can get them. */
export function redisConnectionOptions(name: string): RedisOptions {
  return { maxRetriesPerRequest: null, enableReadyCheck: true, connectionName: name };
}

export function createRedisConnection(url: string, name: string): Redis {
  const client = new Redis(url, redisConnectionOptions(name));
  // ioredis reconnects by itself; the outage is logged (rate-limited), never dropped.
  logErrors(client, `redis ${name}`);
  return client;
}
