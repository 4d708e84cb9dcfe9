import {
  BatchErrorsResponse,
  BatchImportsResponse,
  BatchJobResponse,
  BatchJobStatusResponse,
  CreateEventRequest,
  CreateUserRequest,
  EventContext,
  FULLSTORY_LIMITS,
} from '@fsd/fullstory-contracts';
import { apiError, invalidArgument, notFound, requiredField } from '../errors';
import { JobKind, jobMetadata, JobRecord } from '../store/jobs';
import { FakeState } from '../store/state';
import { toGetUser } from '../store/users';
import { isRecord } from '../validation/common';
import { validateCreateEvent, validateCreateUser } from '../validation/v2';
import { storeV2Event } from './events-v2';
import { firstQuery, ok, paginate, Result, RouteDef } from './types';

const PAGE_SIZE = 1000;

/** GET of a job's imports or errors: 202 while processing, then paged results (same shape for both). */
function jobResultsRoute(
  url: string,
  find: (state: FakeState, id: string) => JobRecord | undefined,
  select: (job: JobRecord) => unknown[],
): RouteDef {
  return {
    method: 'GET',
    url,
    minRole: 'standard',
    v2: true,
    handler: ({ state, params, query }): Result => {
      const job = find(state, params.job_id);
      if (job === undefined) return notFound();
      if (job.status === 'PROCESSING') return { status: 202, body: { job: jobMetadata(job) } };
      const all = select(job);
      const { page, next } = paginate(all, firstQuery(query, 'page_token'), PAGE_SIZE);
      const res: BatchImportsResponse<unknown> | BatchErrorsResponse<unknown> = {
        results: page,
        total_records: String(all.length),
      };
      if (next !== undefined) res.next_page_token = next;
      return ok(res);
    },
  };
}

function processUsers(state: FakeState, job: JobRecord): void {
  for (const req of job.requests as CreateUserRequest[]) {
    const v = validateCreateUser(req, state.settings.namingMode);
    if (!v.ok) {
      job.errors.push({ message: v.error.body.message, code: v.error.body.code, user: req });
      continue;
    }
    const user = state.users.upsert(v.value, 'batch');
    job.imports.push(toGetUser(user, true));
  }
}

function processEvents(state: FakeState, job: JobRecord): void {
  const shared = job.shared;
  for (const req of job.requests as CreateEventRequest[]) {
    const fail = (message: string, code: string): void => {
      job.errors.push(shared === undefined ? { message, code, event: req } : { message, code, event: req, shared });
    };
    if (shared?.context !== undefined && isRecord(req) && req.context !== undefined) {
      fail('event context must not be set when shared.context is given', 'invalid_argument');
      continue;
    }
    const v = validateCreateEvent(req, {
      mode: state.settings.namingMode,
      enforceSessionUserExclusive: state.settings.enforceSessionUserExclusive,
    });
    if (!v.ok) {
      fail(v.error.body.message, v.error.body.code);
      continue;
    }
    const e = v.value;
    storeV2Event(state, e, 'batch', shared?.context);
    const imported: Record<string, unknown> = { name: e.name };
    if (e.user !== undefined) imported.user = e.user;
    if (e.session?.id !== undefined) imported.session = { id: e.session.id };
    const context = e.context ?? shared?.context;
    if (context !== undefined) imported.context = context;
    imported.timestamp = e.timestamp ?? new Date(job.dueMs).toISOString();
    imported.properties = e.properties ?? {};
    if (e.schema !== undefined) imported.schema = e.schema;
    job.imports.push(imported);
  }
}

/** Processes every job whose delay has elapsed (called before each request is handled). */
export function settleJobs(state: FakeState): void {
  if (state.jobs.inProgress === 0) return;
  const now = state.now();
  for (const job of state.jobs.due(now)) {
    if (job.kind === 'users') processUsers(state, job);
    else processEvents(state, job);
    state.jobs.finish(job, now);
  }
}

function createJob(state: FakeState, kind: JobKind, body: unknown): Result {
  if (!isRecord(body)) return invalidArgument('request body must be a JSON object');
  const requests = body.requests;
  if (requests === undefined || requests === null) return requiredField('requests');
  if (!Array.isArray(requests)) return invalidArgument('requests must be an array');
  if (requests.length === 0) return invalidArgument('requests must not be empty');
  if (requests.length > FULLSTORY_LIMITS.batchMaxRequests) {
    return invalidArgument(`requests must hold at most ${FULLSTORY_LIMITS.batchMaxRequests} items`);
  }
  let shared: { context?: EventContext } | undefined;
  if (kind === 'events' && body.shared !== undefined && body.shared !== null) {
    if (!isRecord(body.shared)) return invalidArgument('shared must be an object');
    if (body.shared.context !== undefined && !isRecord(body.shared.context)) {
      return invalidArgument('shared.context must be an object');
    }
    shared = body.shared.context === undefined ? {} : { context: body.shared.context as EventContext };
  }
  // §3.12: at 200 jobs or 500,000 operations in flight FullStory answers 429 until some finish.
  if (
    state.jobs.inProgress >= FULLSTORY_LIMITS.batchMaxInProgressJobs ||
    state.jobs.operationsInFlight + requests.length > FULLSTORY_LIMITS.batchMaxOperationsInFlight
  ) {
    return { ...apiError(429), headers: { 'Retry-After': '1' } };
  }
  const job = state.jobs.create(
    kind,
    requests as JobRecord['requests'],
    shared,
    state.now(),
    state.settings.processingDelayMs,
  );
  settleJobs(state);
  const res: BatchJobResponse = { job: jobMetadata(job) };
  return ok(res);
}

function jobRoutes(kind: JobKind): RouteDef[] {
  const base = `/v2/${kind}/batch`;
  const find = (state: FakeState, id: string): JobRecord | undefined => state.jobs.get(id, kind);
  return [
    {
      method: 'POST',
      url: base,
      minRole: 'standard',
      idempotent: true,
      v2: true,
      handler: ({ state, body }) => createJob(state, kind, body),
    },
    {
      method: 'GET',
      url: `${base}/:job_id`,
      minRole: 'standard',
      v2: true,
      handler: ({ state, params }): Result => {
        const job = find(state, params.job_id);
        if (job === undefined) return notFound();
        const res: BatchJobStatusResponse = {
          job: jobMetadata(job),
          imports: job.imports.length,
          errors: job.errors.length,
        };
        return ok(res);
      },
    },
    jobResultsRoute(`${base}/:job_id/imports`, find, (job) => job.imports),
    jobResultsRoute(`${base}/:job_id/errors`, find, (job) => job.errors),
  ];
}

export const batchRoutes: RouteDef[] = [...jobRoutes('users'), ...jobRoutes('events')];
