import type { Dispatcher } from 'undici';
import type {
  BatchErrorsResponse,
  BatchImportsResponse,
  BatchJobResponse,
  BatchJobStatusResponse,
  JobMetadata,
} from '../api-types';
import { classifyError, classifyResponse } from '../classify';
import { FullStoryClient, FullStoryResponse, HttpMethod } from '../client';
import { BatchKind, batchPath } from './batch-keys';
import { JobSlots } from './job-slots';

/** One FullStory account as the batch client reaches it. */
export interface BatchAccount {
  /** Running jobs are counted per account (the destination's id). */
  account: string;
  /** e.g. `https://api.fullstory.com`. */
  baseUrl: string;
  /** Authorization and the destination's other headers. */
  headers: Record<string, string>;
  /** The destination's connection pool (DestinationDispatchers). */
  dispatcher?: Dispatcher;
  timeoutMs?: number;
}

export interface BatchClientOptions {
  /** Jobs of one account running at once from this process (FullStory runs 100; more wait). */
  maxInProgressJobs?: number;
  /** First status poll after this long; doubles up to pollMaxMs. */
  pollInitialMs?: number;
  pollMaxMs?: number;
  /** A `Retry-After` longer than this is cut to it. */
  retryAfterCapMs?: number;
  /** Transient failures (429, 5xx, timeouts) of one call retried this many times before giving up. */
  maxRetries?: number;
  sleep?: (ms: number) => Promise<void>;
}

/** A batch call that failed: permanent (4xx) or transient retries exhausted. Never holds the API key. */
export class BatchCallError extends Error {
  constructor(
    message: string,
    readonly transient: boolean,
    readonly status: number | null,
  ) {
    super(message);
    this.name = 'BatchCallError';
  }
}

/** A job followed to its end: its creation answer, final status and per-item errors. */
export interface BatchRun<E> {
  job: JobMetadata;
  created: FullStoryResponse;
  imports: number;
  errors: E[];
}

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * FullStory's v2 batch import workflow (fullstory-api.md §3.12) over the worker's own FullStoryClient: so batch
 * jobs go through the destination's connection pool and the deployment's outbound (SSRF) policy like every
 * other request, and the caller sees the raw answers it audits. Create with an Idempotency-Key, poll the status
 * with back-off, page imports and errors; 429 waits for `Retry-After`, 5xx and network failures back off.
 */
export class BatchJobClient {
  private readonly slots: JobSlots;
  private readonly pollInitialMs: number;
  private readonly pollMaxMs: number;
  private readonly retryAfterCapMs: number;
  private readonly maxRetries: number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(
    private readonly client: FullStoryClient,
    options: BatchClientOptions = {},
  ) {
    this.slots = new JobSlots(options.maxInProgressJobs ?? 100);
    this.pollInitialMs = options.pollInitialMs ?? 200;
    this.pollMaxMs = options.pollMaxMs ?? 5000;
    this.retryAfterCapMs = options.retryAfterCapMs ?? 60_000;
    this.maxRetries = options.maxRetries ?? 8;
    this.sleep = options.sleep ?? defaultSleep;
  }

  /** Creates a job. `body` is `{requests, shared?}`; the key makes a re-sent creation return the same job. */
  async createJob(
    account: BatchAccount,
    kind: BatchKind,
    body: { requests: unknown[]; shared?: unknown },
    idempotencyKey: string,
  ): Promise<{ job: JobMetadata; response: FullStoryResponse }> {
    const response = await this.call(account, 'POST', batchPath(kind), body, idempotencyKey);
    return { job: parse<BatchJobResponse>(response).job, response };
  }

  async status(account: BatchAccount, kind: BatchKind, jobId: string): Promise<BatchJobStatusResponse> {
    return parse<BatchJobStatusResponse>(await this.call(account, 'GET', batchPath(kind, jobId)));
  }

  /** Polls until the job is no longer PROCESSING, waiting longer each time (up to pollMaxMs). */
  async waitForJob(account: BatchAccount, kind: BatchKind, jobId: string): Promise<BatchJobStatusResponse> {
    let delay = this.pollInitialMs;
    for (;;) {
      const s = await this.status(account, kind, jobId);
      if (s.job.status !== 'PROCESSING') return s;
      await this.sleep(delay);
      delay = Math.min(this.pollMaxMs, delay * 2);
    }
  }

  /** One page of imports or errors; `null` while the job is still processing (202). */
  async page<T>(
    account: BatchAccount,
    kind: BatchKind,
    jobId: string,
    what: 'imports' | 'errors',
    pageToken?: string,
  ): Promise<BatchImportsResponse<T> | BatchErrorsResponse<T> | null> {
    const query = pageToken === undefined ? '' : `?page_token=${encodeURIComponent(pageToken)}`;
    const res = await this.call(account, 'GET', `${batchPath(kind, jobId, what)}${query}`);
    if (res.status === 202) return null;
    return parse<BatchImportsResponse<T>>(res);
  }

  /** Every record of a finished job's imports or errors, page after page. */
  async all<T>(account: BatchAccount, kind: BatchKind, jobId: string, what: 'imports' | 'errors'): Promise<T[]> {
    const out: T[] = [];
    let token: string | undefined;
    for (;;) {
      const page = await this.page<T>(account, kind, jobId, what, token);
      if (page === null) throw new BatchCallError(`job ${jobId} is still processing`, true, 202);
      out.push(...page.results);
      if (page.next_page_token === undefined || page.next_page_token === '') return out;
      token = page.next_page_token;
    }
  }

  /**
   * Creates a job within the account's running-jobs cap and follows it to its end: status, then its errors
   * (imports are counted by the status; their bodies are not needed to know which items failed).
   */
  async run<E>(
    account: BatchAccount,
    kind: BatchKind,
    body: { requests: unknown[]; shared?: unknown },
    idempotencyKey: string,
    /** Told of the job as soon as it exists (to record it before it is followed). */
    onCreated?: (job: JobMetadata) => Promise<void>,
  ): Promise<BatchRun<E>> {
    await this.slots.acquire(account.account);
    try {
      const { job, response } = await this.createJob(account, kind, body, idempotencyKey);
      await onCreated?.(job);
      const final = job.status === 'PROCESSING' ? await this.waitForJob(account, kind, job.id) : undefined;
      const errorCount = final?.errors ?? (job.status === 'COMPLETED' ? 0 : undefined);
      const errors = errorCount === 0 ? [] : await this.all<E>(account, kind, job.id, 'errors');
      const imports = final?.imports ?? body.requests.length - errors.length;
      return { job: final?.job ?? job, created: response, imports, errors };
    } finally {
      this.slots.release(account.account);
    }
  }

  /** One request, with 429/5xx/network failures retried (Retry-After honoured); 4xx other than 429 throw. */
  private async call(
    account: BatchAccount,
    method: HttpMethod,
    path: string,
    body?: unknown,
    idempotencyKey?: string,
  ): Promise<FullStoryResponse> {
    const what = `${method} ${path.split('?')[0]}`;
    for (let attempt = 0; ; attempt++) {
      let waitMs: number;
      let reason: string;
      try {
        const res = await this.client.send(
          { method, url: `${account.baseUrl.replace(/\/+$/, '')}${path}`, headers: account.headers, body },
          {
            ...(idempotencyKey === undefined ? {} : { idempotencyKey }),
            ...(account.timeoutMs === undefined ? {} : { timeoutMs: account.timeoutMs }),
            ...(account.dispatcher === undefined ? {} : { dispatcher: account.dispatcher }),
          },
        );
        const c = classifyResponse(res);
        if (c.outcome === 'success') return res;
        reason = `${what}: ${c.reason ?? `HTTP ${res.status}`}${errorDetail(res)}`;
        if (c.outcome === 'permanent') throw new BatchCallError(reason, false, res.status);
        waitMs = Math.min(this.retryAfterCapMs, c.retryAfterMs ?? backoff(attempt));
        if (attempt >= this.maxRetries) throw new BatchCallError(reason, true, res.status);
      } catch (e) {
        if (e instanceof BatchCallError) throw e;
        const c = classifyError(e);
        reason = `${what}: ${c.reason ?? String(e)}`;
        if (c.outcome === 'permanent' || attempt >= this.maxRetries) {
          throw new BatchCallError(reason, c.outcome !== 'permanent', null);
        }
        waitMs = backoff(attempt);
      }
      await this.sleep(waitMs);
    }
  }
}

function backoff(attempt: number): number {
  return Math.min(30_000, 250 * 2 ** attempt);
}

function parse<T>(res: FullStoryResponse): T {
  try {
    return JSON.parse(res.body) as T;
  } catch {
    throw new BatchCallError(`FullStory answered ${res.status} with a body that is not JSON`, false, res.status);
  }
}

/** FullStory's own error code and message, when the body has them (never the request's headers). */
function errorDetail(res: FullStoryResponse): string {
  try {
    const body = JSON.parse(res.body) as { code?: unknown; message?: unknown };
    if (typeof body.code === 'string') return ` (${body.code}: ${String(body.message ?? '')})`;
  } catch {
    // Not JSON: the status says enough.
  }
  return '';
}
