import type { FastifyInstance, FastifyReply } from 'fastify';

/**
 * Calls the admin API in-process with the admin token and relays its answer (status, JSON, errors) as is, so the
 * configuration pages do exactly what `curl /admin/...` does and show the API's own validation messages.
 */
export async function relayAdminCall(
  fastify: FastifyInstance,
  adminToken: string,
  call: { method: 'GET' | 'POST' | 'PATCH' | 'DELETE'; url: string; body?: unknown },
  reply: FastifyReply,
): Promise<void> {
  const res = await fastify.inject({
    method: call.method,
    url: call.url,
    headers: {
      authorization: `Bearer ${adminToken}`,
      ...(call.body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    payload: call.body === undefined ? undefined : JSON.stringify(call.body),
  });
  void reply.status(res.statusCode).header('Cache-Control', 'no-store');
  if (res.statusCode === 204) {
    void reply.send();
    return;
  }
  void reply.header('Content-Type', res.headers['content-type'] ?? 'application/json').send(res.body);
}

/** GETs from the admin API for a page: null for 404; any other failure is a server fault, thrown. */
export async function readAdmin<T>(fastify: FastifyInstance, adminToken: string, url: string): Promise<T | null> {
  const res = await fastify.inject({ method: 'GET', url, headers: { authorization: `Bearer ${adminToken}` } });
  if (res.statusCode === 404) return null;
  if (res.statusCode !== 200) throw new Error(`GET ${url} answered ${res.statusCode}: ${res.body.slice(0, 300)}`);
  return res.json<T>();
}
