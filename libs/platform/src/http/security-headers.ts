import type { FastifyInstance } from 'fastify';

/**
 * Sent with every answer (JSON, HTML, text, errors, bull-board and /docs included): no framing (clickjacking of
 * the operations page, the dashboard and /docs), no content sniffing, no referrer leaving with URLs that hold
 * ids. A route may set a stricter Content-Security-Policy of its own; it then replaces this one.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Content-Security-Policy': "frame-ancestors 'none'",
  'Referrer-Policy': 'no-referrer',
};

export function installSecurityHeaders(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', (_req, reply, done) => {
    void reply.headers(SECURITY_HEADERS);
    done();
  });
}
