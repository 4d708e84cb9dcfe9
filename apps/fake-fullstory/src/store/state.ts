import { FakeConfig, RuntimeSettings } from '../config';
import { FaultRegistry } from '../faults/faults';
import { RateLimiter } from '../rate-limit/token-bucket';
import { CapturedRequests } from './captured-requests';
import { EventStore } from './events';
import { IdempotencyStore } from './idempotency';
import { JobStore } from './jobs';
import { KeyRegistry } from './keys';
import { OperationStore } from './operations';
import { UserStore } from './users';

export function runtimeSettingsOf(config: FakeConfig): RuntimeSettings {
  return {
    rateLimit: config.rateLimit,
    rateLimitBurst: config.rateLimitBurst,
    namingMode: config.namingMode,
    enforceSessionUserExclusive: config.enforceSessionUserExclusive,
    processingDelayMs: config.processingDelayMs,
    deleteUnknownUserStatus: config.deleteUnknownUserStatus,
    idempotencyTtlMs: config.idempotencyTtlMs,
  };
}

/** Everything the fake holds in memory. `reset()` returns it to the start-up state. */
export class FakeState {
  settings: RuntimeSettings;
  readonly keys: KeyRegistry;
  readonly users: UserStore;
  readonly events: EventStore;
  readonly idempotency: IdempotencyStore;
  readonly requests: CapturedRequests;
  readonly jobs = new JobStore();
  readonly operations = new OperationStore();
  readonly faults = new FaultRegistry();
  readonly rateLimiter: RateLimiter;

  constructor(
    readonly config: FakeConfig,
    readonly now: () => number,
  ) {
    this.settings = runtimeSettingsOf(config);
    this.keys = new KeyRegistry(config.keys);
    this.users = new UserStore(now);
    this.events = new EventStore(config.maxEvents);
    this.idempotency = new IdempotencyStore(now, config.maxIdempotencyKeys);
    this.requests = new CapturedRequests(config.maxCaptured);
    this.rateLimiter = new RateLimiter(now);
  }

  nowIso(): string {
    return new Date(this.now()).toISOString();
  }

  reset(): void {
    this.settings = runtimeSettingsOf(this.config);
    this.keys.reset();
    this.users.clear();
    this.events.clear();
    this.idempotency.clear();
    this.requests.clear();
    this.jobs.clear();
    this.operations.clear();
    this.faults.reset();
    this.rateLimiter.clear();
  }
}
