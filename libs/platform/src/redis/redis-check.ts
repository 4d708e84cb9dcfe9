import { redactUrl } from '../config/env';
import { messageOf } from '../errors/message-of';
import { RedisSettings, createRedisClient } from './redis-connection';

export class RedisUnreachableError extends Error {
  constructor(where: string, cause: unknown) {
    super(
      `Cannot reach Redis at ${where} (${messageOf(cause)}).\n` +
        'Start it, for example with `docker compose up -d postgres redis`, or ' +
        '`redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no`; ' +
        'or point REDIS_URL (or REDIS_CLUSTER_NODES) at a running server.',
    );
    this.name = 'RedisUnreachableError';
  }
}

/** Where the settings point, for messages (the URL's password hidden). */
export function describeRedis(settings: RedisSettings): string {
  const nodes = settings.redisClusterNodes ?? [];
  return nodes.length === 0
    ? redactUrl(settings.redisUrl)
    : `the cluster of ${nodes.map((n) => `${n.host}:${n.port}`).join(',')}`;
}

export async function assertRedisReachable(settings: RedisSettings): Promise<void> {
  const client = createRedisClient(
    settings,
    { maxRetriesPerRequest: 0, connectTimeout: 3000, retryStrategy: () => null },
    { lazyConnect: true, clusterRetryStrategy: () => null },
  );
  // The failure is what connect() rejects with, reported below; the event only repeats it.
  let failure: unknown;
  client.on('error', (e) => (failure ??= e));
  try {
    await client.connect();
    await client.ping();
  } catch (e) {
    throw new RedisUnreachableError(describeRedis(settings), e ?? failure);
  } finally {
    client.disconnect();
  }
}
