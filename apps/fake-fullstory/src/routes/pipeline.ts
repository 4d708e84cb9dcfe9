import { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { apiError, invalidArgument, standardError } from '../errors';
import { Fault } from '../faults/faults';
import { dropConnection, InvalidJson, sendJson, splitUrl } from '../http';
import { canonicalJson, requestFingerprint } from '../store/idempotency';
import { roleAtLeast } from '../store/keys';
import { FakeState } from '../store/state';
import { settleJobs } from './batch';
import { HandlerContext, Result, RouteDef } from './types';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function faultResult(fault: Fault): Result {
  const status = fault.status ?? 500;
  const headers: Record<string, string> = {};
  const retryAfter = fault.retryAfter ?? (status === 429 ? 1 : undefined);
  if (retryAfter !== undefined) headers['retry-after'] = String(retryAfter);
  return { status, body: fault.body !== undefined ? fault.body : standardError(status), headers };
}

function apiKeyOf(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (typeof header !== 'string') return undefined;
  const match = /^Basic\s+(.+)$/i.exec(header.trim());
  return match ? match[1].trim() : undefined;
}

/**
 * Runs one FullStory API request: fault injection → auth (401/403) → rate limit (429) → Idempotency-Key →
 * latency-only fault → JSON check → handler → idempotency record.
 */
async function handle(
  state: FakeState,
  def: RouteDef,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<FastifyReply> {
  settleJobs(state);
  const fault =
    state.faults.size === 0
      ? undefined
      : state.faults.pick(request.method, splitUrl(request.url).path, apiKeyOf(request));
  if (fault !== undefined && (fault.status !== undefined || fault.dropConnection === true)) {
    if (fault.latencyMs !== undefined && fault.latencyMs > 0) await sleep(fault.latencyMs);
    if (fault.dropConnection === true) return dropConnection(state, request, reply);
    const r = faultResult(fault);
    return sendJson(reply, r.status, r.body, r.headers);
  }

  const apiKey = apiKeyOf(request);
  const key = apiKey === undefined ? undefined : state.keys.get(apiKey);
  if (key === undefined) return sendJson(reply, 401, standardError(401));
  if (def.minRole !== 'any' && !roleAtLeast(key.role, def.minRole)) return sendJson(reply, 403, standardError(403));

  const { rateLimit, rateLimitBurst } = state.settings;
  if (rateLimit !== null) {
    const decision = state.rateLimiter.take(key.key, rateLimit, rateLimitBurst ?? Math.max(1, rateLimit));
    if (!decision.allowed) {
      return sendJson(reply, 429, standardError(429), { 'retry-after': String(decision.retryAfterSeconds) });
    }
  }

  const body: unknown = request.body;
  const idemHeader = def.idempotent ? request.headers['idempotency-key'] : undefined;
  const idemKey = typeof idemHeader === 'string' && idemHeader !== '' ? idemHeader : undefined;
  if (idemKey !== undefined) {
    const fingerprint = requestFingerprint(
      `${def.method} ${splitUrl(request.url).path} ${body instanceof InvalidJson ? body.raw : canonicalJson(body)}`,
    );
    const decision = state.idempotency.begin(`${key.orgId}\n${idemKey}`, fingerprint, state.settings.idempotencyTtlMs);
    if (decision.kind === 'replay') {
      return sendJson(reply, decision.result.status, decision.result.body, { 'idempotent-replayed': 'true' });
    }
    if (decision.kind === 'mismatch') {
      return sendJson(reply, 400, invalidArgument('Idempotency-Key was already used with a different request').body);
    }
    if (decision.kind === 'in_flight') return sendJson(reply, 409, standardError(409));
  }
  const storeKey = idemKey === undefined ? undefined : `${key.orgId}\n${idemKey}`;

  let result: Result;
  try {
    if (fault?.latencyMs !== undefined && fault.latencyMs > 0) await sleep(fault.latencyMs);
    if (body instanceof InvalidJson) {
      result = invalidArgument('request body is not valid JSON');
    } else {
      const ctx: HandlerContext = {
        state,
        params: request.params as Record<string, string>,
        query: request.query as HandlerContext['query'],
        body,
        key,
        notes: request.capture?.notes ?? [],
      };
      result = def.handler(ctx);
    }
  } catch (err: unknown) {
    request.log.error({ err }, 'fake-fullstory handler failed');
    result = apiError(500);
  }
  if (storeKey !== undefined) state.idempotency.finish(storeKey, { status: result.status, body: result.body });
  return sendJson(reply, result.status, result.body, result.headers);
}

function urlsOf(def: RouteDef): string[] {
  return def.v2 ? [def.url, def.url.replace(/^\/v2\//, '/v2beta/').replace(/^\/v2$/, '/v2beta')] : [def.url];
}

/** `METHOD /route` of every API route, aliases included (the inbox's endpoint filter). */
export function endpointLabels(defs: RouteDef[]): string[] {
  return defs.flatMap((def) => urlsOf(def).map((url) => `${def.method} ${url}`));
}

/** Registers API routes (plus their /v2beta aliases). */
export function registerApiRoutes(app: FastifyInstance, state: FakeState, defs: RouteDef[]): void {
  for (const def of defs) {
    for (const url of urlsOf(def)) {
      const handler = (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
        // The inbox's endpoint; set here because request.routeOptions builds an object on every read.
        if (request.capture !== null) request.capture.route = url;
        return handle(state, def, request, reply);
      };
      app.route({ method: def.method, url, handler });
    }
  }
}
