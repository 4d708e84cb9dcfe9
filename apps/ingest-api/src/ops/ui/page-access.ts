import { randomBytes } from 'crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AdminSessions } from '../../auth/admin-sessions.service';
import { Principal } from '../../auth/principal';
import { sendHtml } from './html-reply';
import { loginPage } from './ops-page';

/**
 * The caller of a server-rendered operations page, with the nonce its page's CSP names; or null when the login
 * form has been sent instead (401 without a session or token, 403 when `allowed` refuses the principal).
 */
export async function pageAccess(
  sessions: AdminSessions,
  req: FastifyRequest,
  reply: FastifyReply,
  allowed: (principal: Principal) => boolean,
): Promise<{ principal: Principal; nonce: string } | null> {
  const nonce = randomBytes(16).toString('base64');
  const access = await sessions.authenticate(req.headers);
  if (!access || !allowed(access.principal)) {
    sendHtml(reply, access ? 403 : 401, loginPage(nonce), nonce);
    return null;
  }
  return { principal: access.principal, nonce };
}
