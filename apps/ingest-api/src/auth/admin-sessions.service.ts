import { Inject, Injectable } from '@nestjs/common';
import type { IncomingHttpHeaders } from 'http';
import { deleteKeysMatching } from '@fsd/platform';
import { INGEST_CONFIG, IngestConfig } from '../core/config/ingest.config';
import { QueueRegistry } from '../core/queue/queue-registry.service';
import { presentedToken } from './bearer-token';
import type { Principal } from './principal';
import { TokenResolver } from './token-resolver.service';
import { SESSION_COOKIE, SESSION_TTL_SECONDS, createSession, readCookie, sessionIdOf } from './admin-credentials';

/** Who a browser (or a Bearer/Basic client) of the page and dashboard is, and how they proved it. */
export interface AdminAccess {
  principal: Principal;
  method: 'token' | 'session';
}

/**
 * Operations-page sessions, kept server-side in Redis (shared by every ingest instance) for their 12 h: a cookie
 * is accepted only while its session is there, so logout and revocation end it at once, not at its expiry.
 * Without Redis no session is accepted (Bearer and Basic still work).
 */
@Injectable()
export class AdminSessions {
  constructor(
    @Inject(INGEST_CONFIG) private readonly config: IngestConfig,
    private readonly queues: QueueRegistry,
    private readonly resolver: TokenResolver,
  ) {}

  private key(id: string): string {
    return `${this.config.queuePrefix}:admin-session:${id}`;
  }

  /** Starts a session; returns the cookie value. */
  async start(principal: Principal): Promise<string> {
    const session = createSession(this.config);
    // It holds the token's id (never the token) and ends no later than the token does.
    const untilExpiry = principal.expiresAt ? Math.ceil((principal.expiresAt.getTime() - Date.now()) / 1000) : Infinity;
    const ttl = Math.max(1, Math.min(SESSION_TTL_SECONDS, untilExpiry));
    await this.queues.connection.set(this.key(session.id), principal.tokenId, 'EX', ttl);
    return session.cookie;
  }

  /** Ends the session of this cookie, if any. */
  async end(headers: IncomingHttpHeaders): Promise<void> {
    const id = sessionIdOf(this.config, readCookie(headers.cookie, SESSION_COOKIE));
    if (id) await this.queues.connection.del(this.key(id));
  }

  /** Ends every session (after a suspected leak, or when an operator leaves); returns how many. */
  async endAll(): Promise<number> {
    // Every server of a cluster, one key per command (the sessions' keys are spread over its slots).
    return deleteKeysMatching(this.queues.connection, this.key('*'));
  }

  /** A live token (Bearer, or Basic with it as password), or a live session whose token is still live. */
  async authenticate(headers: IncomingHttpHeaders): Promise<AdminAccess | null> {
    const token = presentedToken(headers);
    if (token !== null) {
      const principal = await this.resolver.resolve(token);
      return principal ? { principal, method: 'token' } : null;
    }
    const sessionId = sessionIdOf(this.config, readCookie(headers.cookie, SESSION_COOKIE));
    if (!sessionId) return null;
    // BullMQ's connection waits out a Redis outage; a login check must not: no answer in 2 s is no session.
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), 2000)));
    let tokenId: string | null;
    try {
      tokenId = await Promise.race([this.queues.connection.get(this.key(sessionId)), timeout]);
    } catch {
      return null;
    } finally {
      clearTimeout(timer);
    }
    if (!tokenId) return null;
    const principal = await this.resolver.resolveId(tokenId);
    if (principal) return { principal, method: 'session' };
    // Its token was revoked or expired: the session ends with it.
    await this.queues.connection.del(this.key(sessionId));
    return null;
  }
}
