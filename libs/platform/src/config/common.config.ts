import { METRICS_CACHE_MS } from '../cache/cached-value';
import { loadOrCreateDevSecrets } from './dev-secrets';
import type { OutboundPolicy } from '@fsd/fullstory-contracts';
import { EnvReader } from './env';
import { readOutboundPolicy } from './outbound.config';
import type { RedisNode } from '../redis/redis-connection';
import { parseRedisNodes } from './redis-nodes';
import { productionAdminTokenProblems, productionSecretsKeyProblems } from './secret-strength';

export const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/fullstory_destination';
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';
export const DEFAULT_FULLSTORY_BASE_URL = 'http://127.0.0.1:4010';

/** Settings shared by ingest-api and delivery-worker. */
export interface CommonConfig {
  production: boolean;
  databaseUrl: string;
  redisUrl: string;
  /**
   * Seed nodes of a Redis Cluster (REDIS_CLUSTER_NODES); empty: one server at redisUrl. With a cluster, redisUrl
   * gives only the user, password and TLS of every node.
   */
  redisClusterNodes: RedisNode[];
  fullstoryBaseUrl: string;
  /** Where FullStory keys may be sent (destination base URLs, every request). */
  outboundPolicy: OutboundPolicy;
  adminToken: string;
  /** Whether the admin token was generated for development (then it is printed at start). */
  adminTokenGenerated: boolean;
  secretsKey: string;
  /** Keys that still open stored values during a rotation (SECRETS_KEY_PREVIOUS, comma-separated). */
  secretsKeyPrevious: string[];
  logLevel: string;
  /** Before every key the apps write (queues, sessions); queue names carry the hash tag, so no braces here. */
  queuePrefix: string;
  /** How old a /metrics answer may be (0: computed on every scrape). */
  metricsCacheMs: number;
}

export function readCommonConfig(r: EnvReader): CommonConfig {
  let dev: ReturnType<typeof loadOrCreateDevSecrets> | undefined;
  const devSecrets = () => (dev ??= loadOrCreateDevSecrets());
  const adminTokenGenerated = !r.raw('ADMIN_TOKEN') && !r.isProduction;
  const fullstoryBaseUrl = r.isProduction
    ? r.url('FULLSTORY_BASE_URL', undefined, ['http:', 'https:'])
    : r.url('FULLSTORY_BASE_URL', DEFAULT_FULLSTORY_BASE_URL, ['http:', 'https:']);
  const clusterNodes = parseRedisNodes(r.optionalString('REDIS_CLUSTER_NODES'));
  for (const problem of clusterNodes.problems) r.check('REDIS_CLUSTER_NODES', false, problem);
  const config: CommonConfig = {
    production: r.isProduction,
    databaseUrl: r.url('DATABASE_URL', DEFAULT_DATABASE_URL, ['postgres:', 'postgresql:']),
    redisUrl: r.url('REDIS_URL', DEFAULT_REDIS_URL, ['redis:', 'rediss:']),
    redisClusterNodes: clusterNodes.nodes,
    fullstoryBaseUrl,
    outboundPolicy: readOutboundPolicy(r, fullstoryBaseUrl),
    adminToken: r.productionRequired('ADMIN_TOKEN', () => devSecrets().adminToken),
    adminTokenGenerated,
    secretsKey: r.productionRequired('SECRETS_KEY', () => devSecrets().secretsKey),
    secretsKeyPrevious: (r.optionalString('SECRETS_KEY_PREVIOUS') ?? '')
      .split(',')
      .map((k) => k.trim())
      .filter((k) => k !== ''),
    logLevel: r.string('LOG_LEVEL', 'info'),
    queuePrefix: r.string('QUEUE_PREFIX', 'fsd'),
    metricsCacheMs: r.int('METRICS_CACHE_MS', METRICS_CACHE_MS, { min: 0, max: 60_000 }),
  };
  r.check(
    'ADMIN_TOKEN',
    config.adminToken.length === 0 || config.adminToken.length >= 16,
    'must be at least 16 characters',
  );
  r.check(
    'SECRETS_KEY',
    config.secretsKey.length === 0 || config.secretsKey.length >= 16,
    'must be at least 16 characters',
  );
  if (r.isProduction) checkProductionSecrets(r, config);
  r.check('QUEUE_PREFIX', !/[{}]/.test(config.queuePrefix), 'must not contain { or } (queue names carry the hash tag)');
  r.check(
    'LOG_LEVEL',
    ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(config.logLevel),
    'must be one of fatal, error, warn, info, debug, trace, silent',
  );
  return config;
}

/** Production refuses placeholders and weak secrets (see secret-strength.ts); a missing one is reported already. */
function checkProductionSecrets(r: EnvReader, config: CommonConfig): void {
  if (config.adminToken !== '') {
    for (const p of productionAdminTokenProblems(config.adminToken)) r.check('ADMIN_TOKEN', false, p);
  }
  if (config.secretsKey !== '') {
    for (const p of productionSecretsKeyProblems(config.secretsKey)) r.check('SECRETS_KEY', false, p);
  }
  r.check(
    'ADMIN_TOKEN',
    config.adminToken === '' || config.adminToken !== config.secretsKey,
    'must differ from SECRETS_KEY (the admin token is typed into browsers; the key must never leave the servers)',
  );
}
