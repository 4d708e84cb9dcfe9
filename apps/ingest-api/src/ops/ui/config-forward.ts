import type { FastifyInstance, FastifyReply } from 'fastify';

/** Who in-process calls act as: the logged-in user (a fresh one-request delegated token per call), their address. */
export interface RelayCaller {
  delegate: () => string;
  remoteAddress: string;
}

/**
 * Calls the admin API in-process as the logged-in user and relays its answer (status, JSON, errors) as is, so the
 * configuration pages do exactly what `curl /admin/...` does with that user's token: the API applies their role and
 * scope, the admin audit log names them, and the page shows the API's own validation messages.
 */
export async function relayAdminCall(
  fastify: FastifyInstance,
  caller: RelayCaller,
  call: { method: 'GET' | 'POST' | 'PATCH' | 'DELETE'; url: string; body?: unknown },
  reply: FastifyReply,
): Promise<void> {
  const res = await fastify.inject({
    method: call.method,
    url: call.url,
    headers: {
      authorization: `Bearer ${caller.delegate()}`,
      ...(call.body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    // The audit log records the browser's address, not the in-process call's.
    remoteAddress: caller.remoteAddress,
    payload: call.body === undefined ? undefined : JSON.stringify(call.body),
  });
  void reply.status(res.statusCode).header('Cache-Control', 'no-store');
  if (res.statusCode === 204) {
    void reply.send();
    return;
  }
  void reply.header('Content-Type', res.headers['content-type'] ?? 'application/json').send(res.body);
}

/** The user's role or scope does not allow what a page reads. */
export class ReadForbidden extends Error {
  constructor(readonly url: string) {
    super(`GET ${url} is not allowed for this token`);
  }
}

/**
 * GETs from the admin API for a page, as the logged-in user: null for 404, ReadForbidden for 403; any other failure
 * is a server fault, thrown.
 */
export async function readAdmin<T>(fastify: FastifyInstance, caller: RelayCaller, url: string): Promise<T | null> {
  const res = await fastify.inject({
    method: 'GET',
    url,
    headers: { authorization: `Bearer ${caller.delegate()}` },
    remoteAddress: caller.remoteAddress,
  });
  if (res.statusCode === 404) return null;
  if (res.statusCode === 403) throw new ReadForbidden(url);
  if (res.statusCode !== 200) throw new Error(`GET ${url} answered ${res.statusCode}: ${res.body.slice(0, 300)}`);
  return res.json<T>();
}
