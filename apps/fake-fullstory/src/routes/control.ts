import { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { NamingMode, Role, ROLES, RuntimeSettings } from '../config';
import { ControlRequest, controlRefusal } from '../control/guard';
import { parseFaultSpec } from '../faults/faults';
import { CONTROL_PREFIX, InvalidJson, sendJson, splitUrl } from '../http';
import { FakeState } from '../store/state';
import { isRecord } from '../validation/common';
import { validateCreateUser } from '../validation/v2';
import { settleJobs } from './batch';

function bad(reply: FastifyReply, message: string): FastifyReply {
  return sendJson(reply, 400, { message, code: 'invalid_argument' });
}

function firstString(v: unknown): string | undefined {
  if (Array.isArray(v)) return typeof v[0] === 'string' ? v[0] : undefined;
  return typeof v === 'string' ? v : undefined;
}

/** Applies a partial runtime-settings update; returns the problems found (nothing changes when any). */
export function applySettings(
  current: RuntimeSettings,
  input: unknown,
): { next?: RuntimeSettings; problems: string[] } {
  if (!isRecord(input)) return { problems: ['body must be a JSON object'] };
  const next: RuntimeSettings = { ...current };
  const problems: string[] = [];
  for (const [name, value] of Object.entries(input)) {
    switch (name) {
      case 'rateLimit':
        if (value === null || value === 0 || value === 'off') next.rateLimit = null;
        else if (typeof value === 'number' && value > 0 && Number.isFinite(value)) next.rateLimit = value;
        else problems.push('rateLimit must be a positive number of requests/s, or null/0 to disable');
        break;
      case 'rateLimitBurst':
        if (value === null) next.rateLimitBurst = null;
        else if (typeof value === 'number' && Number.isInteger(value) && value >= 1) next.rateLimitBurst = value;
        else problems.push('rateLimitBurst must be an integer >= 1 or null');
        break;
      case 'namingMode':
        if (value === 'lenient' || value === 'strict') next.namingMode = value as NamingMode;
        else problems.push('namingMode must be lenient or strict');
        break;
      case 'enforceSessionUserExclusive':
        if (typeof value === 'boolean') next.enforceSessionUserExclusive = value;
        else problems.push('enforceSessionUserExclusive must be a boolean');
        break;
      case 'processingDelayMs':
        if (typeof value === 'number' && Number.isInteger(value) && value >= 0) next.processingDelayMs = value;
        else problems.push('processingDelayMs must be an integer >= 0');
        break;
      case 'deleteUnknownUserStatus':
        if (value === 200 || value === 404) next.deleteUnknownUserStatus = value;
        else problems.push('deleteUnknownUserStatus must be 200 or 404');
        break;
      case 'idempotencyTtlMs':
        if (typeof value === 'number' && Number.isInteger(value) && value >= 1) next.idempotencyTtlMs = value;
        else problems.push('idempotencyTtlMs must be an integer >= 1');
        break;
      default:
        problems.push(`unknown setting ${name}`);
    }
  }
  return problems.length > 0 ? { problems } : { next, problems };
}

function controlRequestOf(request: FastifyRequest): ControlRequest {
  const h = request.headers;
  const length = Number(h['content-length'] ?? 0);
  return {
    method: request.method,
    host: h.host,
    contentType: h['content-type'],
    hasBody: length > 0 || h['transfer-encoding'] !== undefined,
  };
}

/** Control and inspection API under /__fake (never captured, no auth; local Host and JSON only). */
export function registerControlRoutes(app: FastifyInstance, state: FakeState): void {
  // onRequest: refused before any body is read.
  app.addHook('onRequest', (request, reply, done) => {
    if (!splitUrl(request.url).path.startsWith(CONTROL_PREFIX)) return done();
    const refusal = controlRefusal(controlRequestOf(request), state.config.controlHosts);
    if (refusal === null) return done();
    void sendJson(reply, refusal.status, refusal.body);
  });
  // Unparsable JSON sent to the control API.
  app.addHook('preValidation', (request, reply, done) => {
    if (request.url.startsWith('/__fake') && request.body instanceof InvalidJson) {
      void bad(reply, 'body is not valid JSON');
      return;
    }
    done();
  });
  app.get('/__fake/health', async (_req, reply) => sendJson(reply, 200, { status: 'ok' }));

  app.get('/__fake/requests', async (request, reply) => {
    const q = request.query as Record<string, unknown>;
    const since = firstString(q.since);
    let sinceMs: number | undefined;
    if (since !== undefined) {
      sinceMs = Date.parse(since);
      if (Number.isNaN(sinceMs)) return bad(reply, 'since must be an ISO 8601 time');
    }
    const method = firstString(q.method)?.toUpperCase();
    const path = firstString(q.path);
    return sendJson(reply, 200, state.requests.query({ sinceMs, method, path }));
  });

  app.delete('/__fake/requests', async (_req, reply) => {
    state.requests.clear();
    return sendJson(reply, 200, {});
  });

  app.post('/__fake/reset', async (_req, reply) => {
    state.reset();
    return sendJson(reply, 200, {});
  });

  app.get('/__fake/keys', async (_req, reply) => sendJson(reply, 200, state.keys.list()));

  app.post('/__fake/keys', async (request, reply) => {
    const body: unknown = request.body;
    if (!isRecord(body)) return bad(reply, 'body must be {key, role}');
    const { key, role, email } = body;
    if (typeof key !== 'string' || key === '') return bad(reply, 'key must be a non-empty string');
    if (typeof role !== 'string' || !ROLES.includes(role as Role))
      return bad(reply, 'role must be standard, architect or admin');
    if (email !== undefined && typeof email !== 'string') return bad(reply, 'email must be a string');
    return sendJson(reply, 200, state.keys.register(key, role as Role, email));
  });

  app.post('/__fake/users', async (request, reply) => {
    const body: unknown = request.body;
    if (!isRecord(body) || typeof body.uid !== 'string' || body.uid === '') {
      return bad(reply, 'body must be {uid, display_name?, email?, properties?}');
    }
    const v = validateCreateUser(body, 'lenient');
    if (!v.ok) return sendJson(reply, v.error.status, v.error.body);
    const user = state.users.seed({ ...v.value, uid: body.uid });
    return sendJson(reply, 200, user);
  });

  app.get('/__fake/users', async (_req, reply) => {
    settleJobs(state);
    return sendJson(reply, 200, state.users.list());
  });

  app.get('/__fake/events', async (request, reply) => {
    settleJobs(state);
    const uid = firstString((request.query as Record<string, unknown>).uid);
    const events = state.events.all();
    return sendJson(reply, 200, uid === undefined ? events : events.filter((e) => e.uid === uid));
  });

  app.get('/__fake/jobs', async (_req, reply) => {
    settleJobs(state);
    return sendJson(
      reply,
      200,
      state.jobs
        .list()
        .map((j) => ({ id: j.id, kind: j.kind, status: j.status, imports: j.imports.length, errors: j.errors.length })),
    );
  });

  app.get('/__fake/faults', async (_req, reply) => sendJson(reply, 200, state.faults.list()));

  app.post('/__fake/faults', async (request, reply) => {
    const { spec, problems } = parseFaultSpec(request.body);
    if (spec === undefined) return bad(reply, problems.join('; '));
    return sendJson(reply, 200, state.faults.add(spec));
  });

  app.delete('/__fake/faults', async (_req, reply) => {
    state.faults.clear();
    return sendJson(reply, 200, {});
  });

  app.get('/__fake/config', async (_req, reply) => sendJson(reply, 200, state.settings));

  app.post('/__fake/config', async (request, reply) => {
    const { next, problems } = applySettings(state.settings, request.body);
    if (next === undefined) return bad(reply, problems.join('; '));
    state.settings = next;
    if (next.rateLimit === null) state.rateLimiter.clear();
    return sendJson(reply, 200, state.settings);
  });

  app.get('/__fake/stats', async (_req, reply) =>
    sendJson(reply, 200, {
      droppedRequests: state.requests.dropped,
      droppedEvents: state.events.dropped,
      users: state.users.list().length,
      events: state.events.all().length,
      idempotencyRecords: state.idempotency.size,
      evictedIdempotencyKeys: state.idempotency.evicted,
      jobsInProgress: state.jobs.inProgress,
      faults: state.faults.size,
    }),
  );
}
