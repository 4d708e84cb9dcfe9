import { CommonConfig, Env, EnvReader, readCommonConfig } from '@fsd/platform';

/** Per-destination delivery settings; a destination's `settings` object overrides any of them. */
export interface DeliverySettings {
  concurrency: number;
  /** Requests per second to FullStory for one destination (0 = unlimited). */
  rateLimitPerSecond: number;
  maxAttempts: number;
  retryWindowHours: number;
  retryAfterCapSeconds: number;
  /** Keep retrying version 1's 404 ("user not identified yet") within v1NotFoundRetryMinutes. */
  retryV1NotFound: boolean;
  v1NotFoundRetryMinutes: number;
  /** Skip (and audit) events of a user deleted through /admin/deletions (on by default; a destination may opt out). */
  suppressDeletedUsers: boolean;
  timeoutMs: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
}

export interface WorkerConfig extends CommonConfig {
  port: number;
  host: string;
  databasePoolSize: number;
  destinationRefreshMs: number;
  shutdownGraceMs: number;
  /** BullMQ's lock; must outlast the HTTP timeout so a slow FullStory never makes a job run twice at once. */
  lockDurationMs: number;
  defaults: DeliverySettings;
  batchReplay: BatchReplaySettings;
}

/** Batch-mode replays (issue 19). */
export interface BatchReplaySettings {
  /** Items per FullStory batch job (FullStory takes up to 50,000). */
  maxItemsPerJob: number;
  /** Slices run at once by this worker. */
  concurrency: number;
  /** FullStory batch jobs of one destination running at once from this worker (FullStory runs 100). */
  maxRunningJobs: number;
  /** Rounds of a slice: transiently failed items go again in the next round's job. */
  maxRounds: number;
  /** Retries of one batch call (429, 5xx, network) before its items wait for the next round. */
  callRetries: number;
  /** Longest wait between two status polls of a job. */
  pollMaxMs: number;
  /** A slice's claim on its deliveries; outlasts a slice's jobs. */
  claimLeaseMs: number;
}

export const WORKER_CONFIG = Symbol('WORKER_CONFIG');

export function loadWorkerConfig(env: Env = process.env): WorkerConfig {
  const r = new EnvReader(env);
  const common = readCommonConfig(r);
  const timeoutMs = r.int('FULLSTORY_TIMEOUT_MS', 10_000, { min: 100, max: 120_000 });
  const config: WorkerConfig = {
    ...common,
    port: r.port('WORKER_PORT', 3001),
    host: r.string('WORKER_HOST', '0.0.0.0'),
    databasePoolSize: r.int('WORKER_DB_POOL_SIZE', 20, { min: 2, max: 200 }),
    destinationRefreshMs: r.int('DESTINATION_REFRESH_MS', 5000, { min: 100 }),
    shutdownGraceMs: r.int('SHUTDOWN_GRACE_MS', 20_000, { min: 0 }),
    lockDurationMs: r.int('JOB_LOCK_MS', Math.max(30_000, timeoutMs * 3), { min: 1000 }),
    defaults: {
      concurrency: r.int('DELIVERY_CONCURRENCY', 100, { min: 1, max: 1000 }),
      rateLimitPerSecond: r.int('DELIVERY_RATE_LIMIT_PER_SECOND', 0, { min: 0 }),
      maxAttempts: r.int('DELIVERY_MAX_ATTEMPTS', 10, { min: 1, max: 1000 }),
      retryWindowHours: r.int('DELIVERY_RETRY_WINDOW_HOURS', 4, { min: 0 }),
      retryAfterCapSeconds: r.int('RETRY_AFTER_CAP_SECONDS', 300, { min: 1 }),
      retryV1NotFound: r.bool('RETRY_V1_NOT_FOUND', false),
      v1NotFoundRetryMinutes: r.int('V1_NOT_FOUND_RETRY_MINUTES', 10, { min: 0 }),
      suppressDeletedUsers: r.bool('SUPPRESS_DELETED_USERS', true),
      timeoutMs,
      backoffBaseMs: r.int('BACKOFF_BASE_MS', 1000, { min: 1 }),
      backoffMaxMs: r.int('BACKOFF_MAX_MS', 10 * 60_000, { min: 1 }),
    },
    batchReplay: {
      maxItemsPerJob: r.int('BATCH_REPLAY_MAX_ITEMS', 50_000, { min: 1, max: 50_000 }),
      concurrency: r.int('BATCH_REPLAY_CONCURRENCY', 4, { min: 1, max: 100 }),
      maxRunningJobs: r.int('BATCH_REPLAY_MAX_RUNNING_JOBS', 100, { min: 1, max: 100 }),
      maxRounds: r.int('BATCH_REPLAY_MAX_ROUNDS', 3, { min: 1, max: 20 }),
      callRetries: r.int('BATCH_REPLAY_CALL_RETRIES', 8, { min: 0, max: 20 }),
      pollMaxMs: r.int('BATCH_REPLAY_POLL_MAX_MS', 5000, { min: 10 }),
      claimLeaseMs: r.int('BATCH_REPLAY_CLAIM_LEASE_MS', 30 * 60_000, { min: 1000 }),
    },
  };
  r.check('JOB_LOCK_MS', config.lockDurationMs > timeoutMs, 'must be longer than FULLSTORY_TIMEOUT_MS');
  r.done();
  return config;
}

const NUMERIC: (keyof DeliverySettings)[] = [
  'concurrency',
  'rateLimitPerSecond',
  'maxAttempts',
  'retryWindowHours',
  'retryAfterCapSeconds',
  'v1NotFoundRetryMinutes',
  'timeoutMs',
  'backoffBaseMs',
  'backoffMaxMs',
];
const BOOLEAN: (keyof DeliverySettings)[] = ['retryV1NotFound', 'suppressDeletedUsers'];

/** Merges a destination's stored settings over the defaults, ignoring values of the wrong type. */
export function mergeSettings(defaults: DeliverySettings, stored: Record<string, unknown> | null): DeliverySettings {
  const out: DeliverySettings = { ...defaults };
  if (!stored) return out;
  const target = out as unknown as Record<string, unknown>;
  for (const k of NUMERIC) if (typeof stored[k] === 'number' && Number.isFinite(stored[k])) target[k] = stored[k];
  for (const k of BOOLEAN) if (typeof stored[k] === 'boolean') target[k] = stored[k];
  return out;
}
