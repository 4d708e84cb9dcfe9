import Redis, { RedisOptions } from 'ioredis';
import { redactUrl } from '../config/env';

export class RedisUnreachableError extends Error {
  constructor(url: string, cause: unknown) {
    super(
      `Cannot reach Redis at ${redactUrl(url)} (${cause instanceof Error ? cause.message : String(cause)}).\n` +
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
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.ping();
  } catch (e) {
    throw new RedisUnreachableError(url, e);
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
  client.on('error', () => undefined);
  return client;
}
