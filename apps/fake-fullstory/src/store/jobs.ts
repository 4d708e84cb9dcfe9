import { CreateEventRequest, CreateUserRequest, EventContext, JobMetadata, JobStatus } from '@fsd/fullstory-contracts';

export type JobKind = 'users' | 'events';

export interface JobRecord {
  id: string;
  kind: JobKind;
  status: JobStatus;
  createdMs: number;
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
      dueMs: createdMs + delayMs,
      requests,
      shared,
      imports: [],
      errors: [],
    };
    this.jobs.set(id, job);
    this.processing++;
    return job;
  }

  get(id: string, kind: JobKind): JobRecord | undefined {
    const job = this.jobs.get(id);
    return job?.kind === kind ? job : undefined;
  }

  get inProgress(): number {
    return this.processing;
  }

  /** Jobs whose processing delay has elapsed, in creation order. */
  due(now: number): JobRecord[] {
    if (this.processing === 0) return [];
    return [...this.jobs.values()].filter((j) => j.status === 'PROCESSING' && j.dueMs <= now);
  }

  finish(job: JobRecord, now: number): void {
    if (job.status !== 'PROCESSING') return;
    job.status = job.errors.length > 0 ? 'FAILED' : 'COMPLETED';
    job.finishedMs = now;
    this.processing--;
  }

  list(): JobRecord[] {
    return [...this.jobs.values()];
  }

  clear(): void {
    this.jobs.clear();
    this.counter = 0;
    this.processing = 0;
  }
}
