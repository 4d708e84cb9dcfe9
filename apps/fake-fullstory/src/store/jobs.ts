import {
  CreateEventRequest,
  CreateUserRequest,
  EventContext,
  FULLSTORY_LIMITS,
  JobMetadata,
  JobStatus,
} from '@fsd/fullstory-contracts';

export type JobKind = 'users' | 'events';

export interface JobRecord {
  id: string;
  kind: JobKind;
  status: JobStatus;
  createdMs: number;
  /** Processing takes this long from the time the job starts running. */
  delayMs: number;
  /** When it started running (it may wait behind 100 running jobs first); undefined while it waits. */
  startedMs?: number;
  dueMs: number;
  finishedMs?: number;
  requests: CreateUserRequest[] | CreateEventRequest[];
  shared?: { context?: EventContext };
  imports: unknown[];
  errors: unknown[];
}

export function jobMetadata(job: JobRecord): JobMetadata {
  const meta: JobMetadata = { id: job.id, status: job.status, created: new Date(job.createdMs).toISOString() };
  if (job.finishedMs !== undefined) meta.finished = new Date(job.finishedMs).toISOString();
  return meta;
}

export class JobStore {
  private readonly jobs = new Map<string, JobRecord>();
  private counter = 0;
  private processing = 0;
  private operations = 0;

  create(
    kind: JobKind,
    requests: JobRecord['requests'],
    shared: JobRecord['shared'],
    createdMs: number,
    delayMs: number,
  ): JobRecord {
    this.counter++;
    const id = Buffer.from(`fake-job:${kind}:${this.counter}`).toString('base64url');
    const job: JobRecord = {
      id,
      kind,
      status: 'PROCESSING',
      createdMs,
      delayMs,
      ...(this.processing < FULLSTORY_LIMITS.batchMaxRunningJobs ? { startedMs: createdMs } : {}),
      dueMs: createdMs + delayMs,
      requests,
      shared,
      imports: [],
      errors: [],
    };
    this.jobs.set(id, job);
    this.processing++;
    this.operations += requests.length;
    return job;
  }

  get(id: string, kind: JobKind): JobRecord | undefined {
    const job = this.jobs.get(id);
    return job?.kind === kind ? job : undefined;
  }

  get inProgress(): number {
    return this.processing;
  }

  /** Request objects of the jobs still processing (§3.12 caps them at 500,000). */
  get operationsInFlight(): number {
    return this.operations;
  }

  /**
   * Jobs whose processing delay has elapsed, in creation order. Only the oldest `maxRunning` processing jobs run
   * (§3.12: 100 per org); later ones are accepted but wait for one of those to finish.
   */
  due(now: number, maxRunning: number = FULLSTORY_LIMITS.batchMaxRunningJobs): JobRecord[] {
    if (this.processing === 0) return [];
    const running: JobRecord[] = [];
    for (const j of this.jobs.values()) {
      if (j.status !== 'PROCESSING') continue;
      if (j.startedMs === undefined) {
        j.startedMs = now;
        j.dueMs = now + j.delayMs;
      }
      running.push(j);
      if (running.length >= maxRunning) break;
    }
    return running.filter((j) => j.dueMs <= now);
  }

  finish(job: JobRecord, now: number): void {
    if (job.status !== 'PROCESSING') return;
    job.status = job.errors.length > 0 ? 'FAILED' : 'COMPLETED';
    job.finishedMs = now;
    this.processing--;
    this.operations -= job.requests.length;
  }

  list(): JobRecord[] {
    return [...this.jobs.values()];
  }

  clear(): void {
    this.jobs.clear();
    this.counter = 0;
    this.processing = 0;
    this.operations = 0;
  }
}
