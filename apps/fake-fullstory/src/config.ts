/** Typed configuration of the fake, read once from the environment at start-up. */

export type Role = 'standard' | 'architect' | 'admin';
export const ROLES: readonly Role[] = ['standard', 'architect', 'admin'];

export type NamingMode = 'lenient' | 'strict';

/** Settings that the control API (`POST /__fake/config`) may override at run time; reset restores them. */
export interface RuntimeSettings {
  /** Token-bucket rate per API key in requests/second; null = no rate limiting. */
  rateLimit: number | null;
  /** Bucket size; null = same as the rate (at least 1). */
  rateLimitBurst: number | null;
  /** v1 (and v2 property-name) rule violations: lenient = accept and record a note, strict = 400. */
  namingMode: NamingMode;
  /** `session.id` together with `user` on POST /v2/events → 400 invalid_argument. */
  enforceSessionUserExclusive: boolean;
  /** Batch jobs and operations stay PROCESSING/PENDING this long (0 = completed at creation). */
  processingDelayMs: number;
  /** Status answered for a deletion of an unknown uid/id: 200 `{}` (default) or 404. */
  deleteUnknownUserStatus: 200 | 404;
  /** How long idempotency records are kept. */
  idempotencyTtlMs: number;
}

export interface FakeConfig extends RuntimeSettings {
  host: string;
  port: number;
  /** Keys registered at start and restored by reset. */
  keys: ReadonlyMap<string, Role>;
  /** Log every request (pino) — off by default to keep the hot path lean. */
  log: boolean;
  /** Captured requests kept; older ones are dropped. */
  maxCaptured: number;
  /** Events kept in the store; older ones are dropped. */
  maxEvents: number;
  /** Idempotency keys remembered; past this the older half is forgotten before its TTL (IdempotencyStore). */
  maxIdempotencyKeys: number;
  /** Largest accepted request body in bytes. */
  bodyLimit: number;
  /** Host names, besides loopback ones, that the control API answers (lower-case, no port). */
  controlHosts: readonly string[];
}

export const DEFAULT_KEYS: ReadonlyMap<string, Role> = new Map<string, Role>([
  ['dev-fullstory-key', 'admin'],
  ['test-api-key', 'admin'],
]);

export const DEFAULT_CONFIG: FakeConfig = {
  host: '127.0.0.1',
  port: 4010,
  keys: DEFAULT_KEYS,
  log: false,
  maxCaptured: 100_000,
  maxEvents: 100_000,
  maxIdempotencyKeys: 100_000,
  // Far above any one request of the destination (an event is at most 32 KB); large batch imports need more.
  bodyLimit: 1024 * 1024,
  controlHosts: [],
  rateLimit: null,
  rateLimitBurst: null,
  namingMode: 'lenient',
  enforceSessionUserExclusive: true,
  processingDelayMs: 0,
  deleteUnknownUserStatus: 200,
  idempotencyTtlMs: 24 * 60 * 60 * 1000,
};

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid fake-fullstory configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

export const ALLOW_PRODUCTION_VAR = 'FAKE_FULLSTORY_ALLOW_PRODUCTION';

/**
 * The fake accepts the well-known default keys, keeps what it receives and serves it without auth under
 * /__fake: under NODE_ENV=production it most likely stands where the real FullStory API should be.
 */
export function productionProblem(env: Env, problems: string[]): string | undefined {
  if (env.NODE_ENV !== 'production') return undefined;
  if (boolVar(env, ALLOW_PRODUCTION_VAR, false, problems)) return undefined;
  return (
    'NODE_ENV=production: fake-fullstory is a test tool and refuses to run in production ' +
    '(it accepts the public default keys and serves everything it receives, unauthenticated, under /__fake). ' +
    'Point FULLSTORY_BASE_URL at https://api.fullstory.com instead; to run it deliberately as a staging fake, ' +
    `set ${ALLOW_PRODUCTION_VAR}=1`
  );
}

function listVar(env: Env, name: string): string[] {
  return (env[name] ?? '')
    .split(',')
    .map((h) => h.trim().toLowerCase())
    .filter((h) => h !== '');
}

/** Parses `key:role,key2:role`; returns problems instead of throwing. */
export function parseKeys(text: string, problems: string[], variable = 'FAKE_FULLSTORY_KEYS'): Map<string, Role> {
  const keys = new Map<string, Role>();
  const entries = text
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e !== '');
  if (entries.length === 0) problems.push(`${variable}: must list at least one key as key:role`);
  for (const entry of entries) {
    const at = entry.lastIndexOf(':');
    const key = at > 0 ? entry.slice(0, at).trim() : '';
    const role = at > 0 ? entry.slice(at + 1).trim() : '';
    if (key === '' || !ROLES.includes(role as Role)) {
      problems.push(
        `${variable}: entry "${key === '' ? entry : key + ':' + role}" must be key:role with role standard|architect|admin`,
      );
      continue;
    }
    keys.set(key, role as Role);
  }
  return keys;
}

function intVar(env: Env, name: string, fallback: number, min: number, max: number, problems: string[]): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    problems.push(`${name}: "${raw}" must be an integer between ${min} and ${max}`);
    return fallback;
  }
  return value;
}

function boolVar(env: Env, name: string, fallback: boolean, problems: string[]): boolean {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const v = raw.trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(v)) return true;
  if (['0', 'false', 'no', 'off'].includes(v)) return false;
  problems.push(`${name}: "${raw}" must be a boolean (1/0, true/false)`);
  return fallback;
}

/**
 * Reads and validates the environment. Throws one ConfigError listing every bad variable.
 *
 * FAKE_FULLSTORY_HOST (127.0.0.1), FAKE_FULLSTORY_PORT (4010), FAKE_FULLSTORY_KEYS (dev-fullstory-key:admin,test-api-key:admin),
 * FAKE_FULLSTORY_RATE_LIMIT (requests/s per key; unset/0/off = no limit), FAKE_FULLSTORY_RATE_LIMIT_BURST,
 * FAKE_FULLSTORY_LOG (0), FAKE_FULLSTORY_MAX_CAPTURED (100000), FAKE_FULLSTORY_MAX_EVENTS (100000),
 * FAKE_FULLSTORY_NAMING_MODE (lenient|strict), FAKE_FULLSTORY_ENFORCE_SESSION_USER_EXCLUSIVE (1),
 * FAKE_FULLSTORY_PROCESSING_DELAY_MS (0), FAKE_FULLSTORY_DELETE_UNKNOWN_STATUS (200|404), FAKE_FULLSTORY_BODY_LIMIT (1 MiB),
 * FAKE_FULLSTORY_CONTROL_HOSTS (none), FAKE_FULLSTORY_ALLOW_PRODUCTION (0).
 */
export function loadConfig(env: Env): FakeConfig {
  const problems: string[] = [];
  const refusal = productionProblem(env, problems);
  if (refusal !== undefined) problems.push(refusal);
  const host = env.FAKE_FULLSTORY_HOST?.trim() || DEFAULT_CONFIG.host;
  const port = intVar(env, 'FAKE_FULLSTORY_PORT', DEFAULT_CONFIG.port, 0, 65535, problems);
  const keysRaw = env.FAKE_FULLSTORY_KEYS;
  const keys = keysRaw === undefined || keysRaw.trim() === '' ? DEFAULT_KEYS : parseKeys(keysRaw, problems);

  let rateLimit: number | null = null;
  const rateRaw = env.FAKE_FULLSTORY_RATE_LIMIT?.trim();
  if (rateRaw !== undefined && rateRaw !== '' && rateRaw.toLowerCase() !== 'off') {
    const value = Number(rateRaw);
    if (!Number.isFinite(value) || value < 0) {
      problems.push(
        `FAKE_FULLSTORY_RATE_LIMIT: "${rateRaw}" must be a non-negative number of requests per second or "off"`,
      );
    } else {
      rateLimit = value === 0 ? null : value;
    }
  }
  const burstRaw = env.FAKE_FULLSTORY_RATE_LIMIT_BURST;
  const rateLimitBurst =
    burstRaw === undefined || burstRaw.trim() === ''
      ? null
      : intVar(env, 'FAKE_FULLSTORY_RATE_LIMIT_BURST', 1, 1, 1_000_000, problems);

  const modeRaw = env.FAKE_FULLSTORY_NAMING_MODE?.trim();
  let namingMode: NamingMode = DEFAULT_CONFIG.namingMode;
  if (modeRaw !== undefined && modeRaw !== '') {
    if (modeRaw === 'lenient' || modeRaw === 'strict') namingMode = modeRaw;
    else problems.push(`FAKE_FULLSTORY_NAMING_MODE: "${modeRaw}" must be lenient or strict`);
  }
  const deleteRaw = intVar(env, 'FAKE_FULLSTORY_DELETE_UNKNOWN_STATUS', 200, 200, 404, problems);
  if (deleteRaw !== 200 && deleteRaw !== 404) {
    problems.push(`FAKE_FULLSTORY_DELETE_UNKNOWN_STATUS: "${deleteRaw}" must be 200 or 404`);
  }

  const config: FakeConfig = {
    host,
    port,
    keys,
    log: boolVar(env, 'FAKE_FULLSTORY_LOG', false, problems),
    maxCaptured: intVar(env, 'FAKE_FULLSTORY_MAX_CAPTURED', DEFAULT_CONFIG.maxCaptured, 0, 100_000_000, problems),
    maxEvents: intVar(env, 'FAKE_FULLSTORY_MAX_EVENTS', DEFAULT_CONFIG.maxEvents, 0, 100_000_000, problems),
    maxIdempotencyKeys: intVar(
      env,
      'FAKE_FULLSTORY_MAX_IDEMPOTENCY_KEYS',
      DEFAULT_CONFIG.maxIdempotencyKeys,
      2,
      100_000_000,
      problems,
    ),
    bodyLimit: intVar(env, 'FAKE_FULLSTORY_BODY_LIMIT', DEFAULT_CONFIG.bodyLimit, 1024, 1024 * 1024 * 1024, problems),
    controlHosts: listVar(env, 'FAKE_FULLSTORY_CONTROL_HOSTS'),
    rateLimit,
    rateLimitBurst,
    namingMode,
    enforceSessionUserExclusive: boolVar(env, 'FAKE_FULLSTORY_ENFORCE_SESSION_USER_EXCLUSIVE', true, problems),
    processingDelayMs: intVar(env, 'FAKE_FULLSTORY_PROCESSING_DELAY_MS', 0, 0, 86_400_000, problems),
    deleteUnknownUserStatus: deleteRaw === 404 ? 404 : 200,
    idempotencyTtlMs: intVar(
      env,
      'FAKE_FULLSTORY_IDEMPOTENCY_TTL_MS',
      DEFAULT_CONFIG.idempotencyTtlMs,
      1,
      365 * 86_400_000,
      problems,
    ),
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}
