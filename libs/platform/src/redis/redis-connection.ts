import { logErrors } from '../errors/rate-limited-log';
import Redis, { Cluster, ClusterNode, RedisOptions } from 'ioredis';

/** A client of one Redis server or of a Redis Cluster: both take the same commands, and BullMQ takes either. */
export type RedisClient = Redis | Cluster;

export interface RedisNode {
  host: string;
  port: number;
}

/**
 * Where Redis is (from the typed config): one server at `redisUrl`, or, when `redisClusterNodes` lists any,
 * a Redis Cluster found from those seed nodes, with the user, password and TLS of `redisUrl` for every node.
 */
export interface RedisSettings {
  redisUrl: string;
  redisClusterNodes?: RedisNode[];
}

/** The options of every BullMQ connection (BullMQ needs maxRetriesPerRequest: null); plain data, so a worker thread can get them. */
export function redisConnectionOptions(name: string): RedisOptions {
  return { maxRetriesPerRequest: null, enableReadyCheck: true, connectionName: name };
}

/** The per-node options a cluster takes from REDIS_URL: its credentials and TLS (its host is the seed nodes'). */
export function clusterNodeOptions(redisUrl: string): RedisOptions {
  const url = new URL(redisUrl);
  const options: RedisOptions = {};
  if (url.username) options.username = decodeURIComponent(url.username);
  if (url.password) options.password = decodeURIComponent(url.password);
  if (url.protocol === 'rediss:') options.tls = {};
  return options;
}

/**
 * How to build a client, as plain data (a worker thread, which cannot import this library, gets it and calls
 * `new Redis(url, options)` or `new Cluster(nodes, { redisOptions: options, enableOfflineQueue: true })`).
 */
export interface RedisClientPlan {
  url: string;
  clusterNodes: RedisNode[];
  options: RedisOptions;
}

export function redisClientPlan(settings: RedisSettings, options: RedisOptions): RedisClientPlan {
  const clusterNodes = settings.redisClusterNodes ?? [];
  return {
    url: settings.redisUrl,
    clusterNodes,
    options: clusterNodes.length === 0 ? options : { ...clusterNodeOptions(settings.redisUrl), ...options },
  };
}

/** A client with these options, of the one server or of the cluster, as the settings say. */
export function createRedisClient(
  settings: RedisSettings,
  options: RedisOptions,
  cluster: { lazyConnect?: boolean; clusterRetryStrategy?: () => number | null } = {},
): RedisClient {
  const plan = redisClientPlan(settings, options);
  if (plan.clusterNodes.length === 0) return new Redis(plan.url, { ...plan.options, ...cluster });
  return new Cluster(plan.clusterNodes as ClusterNode[], {
    ...cluster,
    redisOptions: plan.options,
    // A queue's commands wait for the cluster through a failover or resharding, as they wait for a single server.
    enableOfflineQueue: true,
  });
}

/** A BullMQ connection (queues, workers, the apps' own keys); errors surface through commands and /health. */
export function createRedisConnection(settings: RedisSettings, name: string): RedisClient {
  const client = createRedisClient(settings, redisConnectionOptions(name));
  // ioredis reconnects by itself; the outage is logged (rate-limited), never dropped.
  logErrors(client, `redis ${name}`);
  return client;
}

/** The servers that hold keys: the cluster's masters, or the one server. Keyless scans must visit each. */
export function redisKeyServers(client: RedisClient): Redis[] {
  return client instanceof Cluster ? client.nodes('master') : [client];
}

/**
 * Deletes every key matching the pattern, server by server, one key per command: in a cluster a multi-key
 * DEL fails unless all its keys share a hash slot. Returns how many were deleted.
 */
export async function deleteKeysMatching(client: RedisClient, pattern: string): Promise<number> {
  let deleted = 0;
  for (const server of redisKeyServers(client)) {
    let cursor = '0';
    do {
      const [next, keys] = await server.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
      cursor = next;
      if (keys.length === 0) continue;
      const results = (await keys.reduce((p, key) => p.unlink(key), server.pipeline()).exec()) ?? [];
      for (const [error, n] of results) {
        if (error) throw error;
        deleted += Number(n);
      }
    } while (cursor !== '0');
  }
  return deleted;
}
