import { CommonConfig, DELIVERY_GROUP_MAX, Env, EnvReader, readCommonConfig } from '@fsd/platform';
import { TrustProxy, parseTrustProxy } from './trust-proxy';
import { OperatorNetworks, PRIVATE_NETWORKS, parseOperatorNetworks } from './operator-networks';

export interface IngestConfig extends CommonConfig {
  port: number;
  host: string;
  databasePoolSize: number;
  /** Events per slice of a batch-mode replay (one worker job; its users and events jobs). */
  replayBatchSlice: number;
  /** How long a (source, messageId) pair is remembered for deduplication. */
  dedupWindowDays: number;
  /**
   * Days of the event log (and its dedup keys' partitions) kept; never below the dedup window, so exactly-once
   * holds for the whole window. Sources and destinations may keep longer (their override; a partition holds
   * every source's rows, so a drop waits for the longest).
   */
  eventRetentionDays: number;
  /** Days of deliveries, attempts, state changes and funnel counters kept; never below event retention. */
  auditRetentionDays: number;
  /** Largest number of events written in one group-commit transaction. */
  groupCommitMaxEvents: number;
  /** Group-commit transactions in flight at once; fewer means larger groups and fewer fsyncs. */
  groupCommitConcurrency: number;
  /** Events waiting that let a second group-commit statement start while one is in flight. */
  groupCommitOverlapEvents: number;
  /** Deliveries committed within this window are enqueued together: one BullMQ addBulk instead of many. */
  enqueueLingerMs: number;
  /** One destination's deliveries per second from which deliveries wait the linger window (below: the next tick). */
  enqueueLingerFromPerSecond: number;
  /** Post-commit jobs are added to BullMQ from a worker thread, off the thread that answers requests. */
  enqueueThread: boolean;
  /** Live deliveries per group job (libs/platform delivery-group.ts); 1: one job per delivery. */
  deliveryGroupMax: number;
  outboxRelayIntervalMs: number;
  /** Pending deliveries younger than this are left to the normal post-commit enqueue. */
  outboxRelayGraceMs: number;
  seedDevelopmentData: boolean;
  /** A request (headers and body) must arrive completely within this time (slow-loris bound). */
  requestTimeoutMs: number;
  /**
   * Bytes of tracking-API request bodies held at once (each charged what it can decode to); a request past it is
   * answered 503 before its body is read, so a flood of large batches cannot run ingest out of memory.
   */
  maxBodyBytesInFlight: number;
  devFullStoryApiKey: string;
  /** Fastify's trustProxy: which proxies' X-Forwarded-For sets `req.ip` (default none: the socket address). */
  trustProxy: TrustProxy;
  /** Who may reach the admin API, the operations page, the dashboard, /metrics and /docs (default: `private`). */
  operatorNetworks: OperatorNetworks;
  /**
   * Days the admin audit log keeps an entry at least; whole months past it are dropped (a month's partition goes
   * once its last day is that old, so an entry stays up to a month longer).
   */
  adminAuditRetentionDays: number;
}

export const INGEST_CONFIG = Symbol('INGEST_CONFIG');

export function loadIngestConfig(env: Env = process.env): IngestConfig {
  const r = new EnvReader(env);
  const common = readCommonConfig(r);
  const trustProxy = parseTrustProxy(r.optionalString('TRUST_PROXY'));
  if (!trustProxy.ok) r.check('TRUST_PROXY', false, trustProxy.problem);
  const operatorNetworks = parseOperatorNetworks(r.optionalString('OPERATOR_NETWORKS'));
  if (!operatorNetworks.ok) r.check('OPERATOR_NETWORKS', false, operatorNetworks.problem);
  const config: IngestConfig = {
    ...common,
    port: r.port('INGEST_PORT', 3000),
    host: r.string('INGEST_HOST', '0.0.0.0'),
    databasePoolSize: r.int('INGEST_DB_POOL_SIZE', 10, { min: 2, max: 200 }),
    replayBatchSlice: r.int('REPLAY_BATCH_SLICE', 5000, { min: 1, max: 50_000 }),
    dedupWindowDays: r.int('DEDUP_WINDOW_DAYS', 30, { min: 1, max: 3650 }),
    eventRetentionDays: r.int('EVENT_RETENTION_DAYS', 30, { min: 1, max: 3650 }),
    auditRetentionDays: r.int('AUDIT_RETENTION_DAYS', 90, { min: 1, max: 3650 }),
    groupCommitMaxEvents: r.int('GROUP_COMMIT_MAX_EVENTS', 2000, { min: 1, max: 20000 }),
    groupCommitConcurrency: r.int('GROUP_COMMIT_CONCURRENCY', 2, { min: 1, max: 64 }),
    groupCommitOverlapEvents: r.int('GROUP_COMMIT_OVERLAP_EVENTS', 50, { min: 0, max: 20000 }),
    enqueueLingerMs: r.int('ENQUEUE_LINGER_MS', 25, { min: 0, max: 1000 }),
    enqueueLingerFromPerSecond: r.int('ENQUEUE_LINGER_FROM_PER_SECOND', 200, { min: 0, max: 1_000_000 }),
    enqueueThread: r.bool('ENQUEUE_THREAD', true),
    deliveryGroupMax: r.int('DELIVERY_GROUP_MAX', DELIVERY_GROUP_MAX, { min: 1, max: 500 }),
    outboxRelayIntervalMs: r.int('OUTBOX_RELAY_INTERVAL_MS', 5000, { min: 100 }),
    outboxRelayGraceMs: r.int('OUTBOX_RELAY_GRACE_MS', 10000, { min: 0 }),
    requestTimeoutMs: r.int('INGEST_REQUEST_TIMEOUT_MS', 15_000, { min: 100 }),
    // At least one largest batch (500 KB), or such a batch could never be taken.
    maxBodyBytesInFlight: r.int('INGEST_MAX_BODY_BYTES_IN_FLIGHT', 32 * 1024 * 1024, { min: 500 * 1024 }),
    seedDevelopmentData: r.bool('SEED_DEV_DATA', !common.production),
    devFullStoryApiKey: r.string('DEV_FULLSTORY_API_KEY', 'dev-fullstory-key'),
    trustProxy: trustProxy.ok ? trustProxy.value : false,
    operatorNetworks: operatorNetworks.ok ? operatorNetworks.value : PRIVATE_NETWORKS,
    adminAuditRetentionDays: r.int('ADMIN_AUDIT_RETENTION_DAYS', 365, { min: 30, max: 36_500 }),
  };
  r.check(
    'EVENT_RETENTION_DAYS',
    config.eventRetentionDays >= config.dedupWindowDays,
    `must be at least DEDUP_WINDOW_DAYS (${config.dedupWindowDays}): a messageId is refused again only while its event's day is kept`,
  );
  r.check(
    'AUDIT_RETENTION_DAYS',
    config.auditRetentionDays >= config.eventRetentionDays,
    `must be at least EVENT_RETENTION_DAYS (${config.eventRetentionDays}): a kept event keeps its deliveries' audit`,
  );
  r.done();
  return config;
}
