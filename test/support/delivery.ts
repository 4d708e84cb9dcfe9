import { Queue } from 'bullmq';
import { createHash } from 'crypto';
import {
  DEFAULT_JOB_OPTIONS,
  DeliveryJobData,
  createRedisClient,
  deliveryJobId,
  deliveryQueueName,
  isDeliveryGroupJob,
  parseRedisNodes,
} from '@fsd/platform';
import { StackEnv, waitFor, withDb } from './stack';

/**
 * Helpers for the delivery end-to-end suites: the fake FullStory's control API, the per-destination
 * BullMQ queues and the delivery audit tables.
 */

/** One request as fake-fullstory captured it (`GET /__fake/requests`). */
export interface CapturedRequest {
  method: string;
  path: string;
  query: Record<string, string | string[]>;
  headers: Record<string, string | string[]>;
  body: unknown;
  receivedAt: string;
  status: number | null;
  notes: string[];
}

export interface FakeEvent {
  id: string;
  source: string;
  uid: string | null;
  name: string;
  properties: Record<string, unknown>;
  receivedAt: string;
}

export class FakeFullStory {
  constructor(readonly baseUrl: string) {}

  private async call(method: string, path: string, body?: unknown): Promise<unknown> {
    const res = await fetch(`${this.baseUrl}${path}`, {
      method,
      // The control API takes JSON only, bodyless POSTs (reset) included.
      headers: { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (res.status >= 300) throw new Error(`fake ${method} ${path} answered ${res.status}: ${text}`);
    return text === '' ? undefined : JSON.parse(text);
  }

  async requests(filter: { method?: string; path?: string } = {}): Promise<CapturedRequest[]> {
    const q = new URLSearchParams(filter as Record<string, string>).toString();
    return (await this.call('GET', `/__fake/requests${q ? `?${q}` : ''}`)) as CapturedRequest[];
  }

  async events(): Promise<FakeEvent[]> {
    return (await this.call('GET', '/__fake/events')) as FakeEvent[];
  }

  async reset(): Promise<void> {
    await this.call('POST', '/__fake/reset');
  }

  async fault(fault: Record<string, unknown>): Promise<void> {
    await this.call('POST', '/__fake/faults', fault);
  }

  /** Removes every injected fault, keeping the captured requests and stored events. */
  async clearFaults(): Promise<void> {
    await this.call('DELETE', '/__fake/faults');
  }

  async config(settings: Record<string, unknown>): Promise<void> {
    await this.call('POST', '/__fake/config', settings);
  }

  async identifiedUser(uid: string): Promise<void> {
    await this.call('POST', '/__fake/users', { uid });
  }
}

export function redisConnection(env: StackEnv): { host: string; port: number } {
  const url = new URL(env.REDIS_URL);
  return { host: url.hostname, port: Number(url.port || 6379) };
}

/** The destination's BullMQ queue, as the apps name and prefix it (on their Redis Cluster if they use one). Close it after use. */
export function deliveryQueue(env: StackEnv, destinationId: string): Queue {
  const name = deliveryQueueName(destinationId);
  if (!env.REDIS_CLUSTER_NODES) return new Queue(name, { connection: redisConnection(env), prefix: env.QUEUE_PREFIX });
  const client = createRedisClient(
    { redisUrl: env.REDIS_URL, redisClusterNodes: parseRedisNodes(env.REDIS_CLUSTER_NODES).nodes },
    { maxRetriesPerRequest: null },
  );
  client.on('error', () => undefined);
  const queue = new Queue(name, { connection: client, prefix: env.QUEUE_PREFIX });
  // A queue leaves open a client it was given: closing the queue closes this one too.
  const close = queue.close.bind(queue);
  queue.close = async () => {
    await close();
    client.disconnect();
  };
  return queue;
}

/** Enqueues a delivery the way ingest-api does (ids only, job id derived from the delivery). */
export async function enqueueDelivery(env: StackEnv, destinationId: string, deliveryId: string): Promise<void> {
  const queue = deliveryQueue(env, destinationId);
  try {
    await queue.add('deliver', { deliveryId }, { ...DEFAULT_JOB_OPTIONS, jobId: deliveryJobId(deliveryId) });
  } finally {
    await queue.close();
  }
}

/**
 * Waits until exactly `count` worker processes consume the destination's queue: workers look for new
 * destinations every DESTINATION_REFRESH_MS, so a test waits for this before it counts on them.
 */
export async function waitForQueueWorkers(env: StackEnv, destinationId: string, count: number): Promise<void> {
  const queue = deliveryQueue(env, destinationId);
  try {
    await waitFor(`${count} workers on the queue of ${destinationId}`, async () => {
      return (await queue.getWorkersCount()) === count;
    });
  } finally {
    await queue.close();
  }
}

/** Removes every key of the suite's queue prefix from Redis. */
export async function dropQueues(env: StackEnv): Promise<void> {
  const { default: Redis } = await import('ioredis');
  const redis = new Redis(env.REDIS_URL);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${env.QUEUE_PREFIX}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

export interface DeliveryRow {
  id: string;
  status: string;
  attempts: number;
  message_id: string | null;
  last_error: string | null;
}

export async function deliveriesOf(env: StackEnv, destinationId: string): Promise<DeliveryRow[]> {
  return withDb(env.DATABASE_URL, async (db) => {
    const { rows } = await db.query<DeliveryRow>(
      `SELECT d.id::text, d.status, d.attempts, e.message_id, d.last_error
         FROM deliveries d LEFT JOIN events e ON e.id = d.event_id AND e.received_at = d.event_received_at
        WHERE d.destination_id = $1 ORDER BY d.id`,
      [destinationId],
    );
    return rows;
  });
}

const TERMINAL = ['delivered', 'failed', 'skipped'];

/** Waits until the destination has `count` deliveries, all in one of `statuses`. */
export async function waitForDeliveries(
  env: StackEnv,
  destinationId: string,
  count: number,
  statuses: string[],
  timeoutMs = 20000,
): Promise<DeliveryRow[]> {
  const deadline = Date.now() + timeoutMs;
  let last: DeliveryRow[] = [];
  while (Date.now() < deadline) {
    last = await deliveriesOf(env, destinationId);
    if (last.length === count && last.every((d) => statuses.includes(d.status))) return last;
    const settledElsewhere = last.find((d) => TERMINAL.includes(d.status) && !statuses.includes(d.status));
    if (settledElsewhere) {
      throw new Error(
        `delivery ${settledElsewhere.id} ended ${settledElsewhere.status} (${settledElsewhere.last_error}), expected ${statuses.join('/')}`,
      );
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const seen = last.reduce<Record<string, number>>((acc, d) => ({ ...acc, [d.status]: (acc[d.status] ?? 0) + 1 }), {});
  throw new Error(
    `Timed out waiting for ${count} deliveries in ${statuses.join('/')}; have ${last.length}: ${JSON.stringify(seen)}`,
  );
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AttemptRow = Record<string, any>;

export async function attemptsOf(env: StackEnv, deliveryId: string): Promise<AttemptRow[]> {
  return withDb(
    env.DATABASE_URL,
    async (db) =>
      (await db.query('SELECT * FROM delivery_attempts WHERE delivery_id = $1 ORDER BY id', [deliveryId])).rows,
  );
}

export async function stateChangesOf(env: StackEnv, deliveryId: string): Promise<{ from: string; to: string }[]> {
  return withDb(
    env.DATABASE_URL,
    async (db) =>
      (
        await db.query<{ from: string; to: string }>(
          'SELECT from_status AS "from", to_status AS "to" FROM delivery_state_changes WHERE delivery_id = $1 ORDER BY id',
          [deliveryId],
        )
      ).rows,
  );
}

export function header(req: CapturedRequest, name: string): string | undefined {
  const v = req.headers[name.toLowerCase()];
  return Array.isArray(v) ? v.join(', ') : v;
}

/**
 * The Authorization header as the fake captures it: the scheme, then the credential's SHA-256
 * (`Basic test-api-key` → `Basic <redacted sha256:…>`); the fake never keeps the key itself.
 */
export function redactedAuthorization(sent: string): string {
  const [scheme, ...rest] = sent.trim().split(/\s+/);
  const credential = rest.length === 0 ? scheme : rest.join(' ');
  const digest = `<redacted sha256:${createHash('sha256').update(credential, 'utf8').digest('hex')}>`;
  return rest.length === 0 ? digest : `${scheme} ${digest}`;
}

/**
 * The deliveries the queue's jobs in these states carry: a live group job's members (libs/platform delivery-group.ts),
 * one for every other job.
 */
export async function deliveriesInJobs(
  queue: Queue,
  states: ('wait' | 'paused' | 'prioritized' | 'active' | 'delayed')[],
): Promise<string[]> {
  const jobs = await queue.getJobs(states);
  return jobs.flatMap((j) =>
    isDeliveryGroupJob(j.data) ? j.data.group.map((m) => m.deliveryId) : [(j.data as DeliveryJobData).deliveryId],
  );
}
