import type { FastifyReply } from 'fastify';
import { contentSecurityPolicy } from './ops-page';

/** Sends a server-rendered operations page with its nonce-based CSP and no caching or framing. */
export function sendHtml(reply: FastifyReply, status: number, html: string, nonce: string): void {
  void reply
    .status(status)
    .header('Content-Type', 'text/html; charset=utf-8')
    .header('Cache-Control', 'no-store')
    .header('Content-Security-Policy', contentSecurityPolicy(nonce))
    .header('X-Frame-Options', 'DENY')
    .header('Referrer-Policy', 'no-referrer')
    .send(html);
}
