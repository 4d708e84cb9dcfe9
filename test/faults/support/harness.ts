import { randomBytes } from 'crypto';
import { FakeFullStory, deliveryQueue } from '../../support/delivery';
import { SeededPair, seedSourceAndDestination } from '../../support/seed';
import {
  AppName,
  RunningApp,
  StackEnv,
  dropDatabase,
  freePort,
  stackEnv,
  startApp,
  waitFor,
} from '../../support/stack';

/**
 * The fault suite's stack: the real apps against real Postgres and Redis, with knobs turned down so
 * that retries, stalled jobs and the outbox relay act within seconds. Every app ever started is kept
 * (killed ones too) so that its log can be scanned for secrets at the end.
 */
export class FaultStack {
  readonly env: StackEnv;
  readonly fake: FakeFullStory;
  readonly started: RunningApp[] = [];
  /** A FullStory API key the fake accepts, distinctive enough to be found anywhere it leaks. */
  readonly apiKey = `fs-SECRET-apikey-${randomBytes(8).toString('hex')}`;
  readonly writeKeys: string[] = [];
  /** Texts the APIs answered with (error bodies), scanned for secrets. */
  readonly answers: string[] = [];
  /** Redis servers whose keys under the queue prefix are scanned for secrets. */
  readonly redisUrls: string[];

  constructor(name: string, overrides: Record<string, string> = {}) {
    const env = stackEnv(`fault_${name}`, {
      ADMIN_TOKEN: `adm-SECRET-token-${randomBytes(8).toString('hex')}`,
      LOG_LEVEL: 'info',
      BACKOFF_BASE_MS: '100',
      BACKOFF_MAX_MS: '1000',
      RETRY_AFTER_CAP_SECONDS: '2',
      DELIVERY_MAX_ATTEMPTS: '100',
      OUTBOX_RELAY_INTERVAL_MS: '500',
      OUTBOX_RELAY_GRACE_MS: '1500',
      DESTINATION_REFRESH_MS: '500',
      FULLSTORY_TIMEOUT_MS: '2000',
      JOB_LOCK_MS: '3000',
      SHUTDOWN_GRACE_MS: '2000',
      ...overrides,
    });
    this.env = env;
    this.fake = new FakeFullStory(env.FULLSTORY_BASE_URL);
    this.redisUrls = [env.REDIS_URL];
  }

  get ingestUrl(): string {
    return `http://127.0.0.1:${this.env.INGEST_PORT}`;
  }

  async start(name: AppName, overrides: Record<string, string> = {}): Promise<RunningApp> {
    const env = { ...this.env, ...overrides };
    if (name === 'delivery-worker' && !overrides.WORKER_PORT) env.WORKER_PORT = String(freePort());
    const app = await startApp(name, env);
    this.started.push(app);
    return app;
  }

  /** Starts the fake and registers the destination's API key with it. */
  async startFake(): Promise<RunningApp> {
    const app = await this.start('fake-fullstory');
    await this.registerKey();
    return app;
  }

  async registerKey(): Promise<void> {
    const res = await fetch(`${this.env.FULLSTORY_BASE_URL}/__fake/keys`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ key: this.apiKey, role: 'admin' }),
    });
    if (res.status >= 300) throw new Error(`fake refused the key: ${res.status}`);
  }

  /** A fresh source and destination, with the fake reset (the key registered again). */
  async scenario(): Promise<SeededPair> {
    await this.fake.reset();
    await this.registerKey();
    const seeded = await seedSourceAndDestination(this.env.DATABASE_URL, this.env.SECRETS_KEY, {
      apiKey: this.apiKey,
      presets: { trackEvent: true, identifyUser: false },
    });
    this.writeKeys.push(seeded.writeKey);
    await this.untilServed(seeded.destinationId);
    return seeded;
  }

  /** The delivery workers running now. */
  get workers(): RunningApp[] {
    return this.started.filter(
      (a) => a.name === 'delivery-worker' && a.process.exitCode === null && a.process.signalCode === null,
    );
  }

  /**
   * Waits until every running worker takes jobs from the destination's queue (workers pick up a new
   * destination within DESTINATION_REFRESH_MS; each one's BullMQ connection is then listed on the queue).
   */
  async untilServed(destinationId: string): Promise<void> {
    const expected = this.workers.length;
    const queue = deliveryQueue(this.env, destinationId);
    try {
      await waitFor(`${expected} workers on ${destinationId}`, async () => (await queue.getWorkersCount()) >= expected);
    } finally {
      await queue.close();
    }
  }

  async clearFaults(): Promise<void> {
    await fetch(`${this.env.FULLSTORY_BASE_URL}/__fake/faults`, { method: 'DELETE' });
  }

  get secrets(): string[] {
    return [this.apiKey, this.env.ADMIN_TOKEN, ...this.writeKeys];
  }

  async stopAll(): Promise<void> {
    for (const app of [...this.started].reverse()) await app.stop();
  }

  async drop(): Promise<void> {
    await dropDatabase(this.env.DATABASE_URL);
  }
}
