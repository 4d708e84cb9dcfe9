import { Inject, Injectable } from '@nestjs/common';
import type { IncomingHttpHeaders } from 'http';
import { deleteKeysMatching } from '@fsd/platform';
import { INGEST_CONFIG, IngestConfig } from '../config/ingest.config';
import { QueueRegistry } from '../queue/queue-registry.service';
import {
  AdminMethod,
  SESSION_COOKIE,
  SESSION_TTL_SECONDS,
  adminCredentials,
  createSession,
  readCookie,
  sessionIdOf,
} from './admin-credentials';

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
  ) {}

  private key(id: string): string {
    return `${this.config.queuePrefix}:admin-session:${id}`;
  }

  /** Starts a session; returns the cookie value. */
  async start(): Promise<string> {
    const session = createSession(this.config);
    await this.queues.connection.set(this.key(session.id), '1', 'EX', SESSION_TTL_SECONDS);
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

  async authenticate(headers: IncomingHttpHeaders): Promise<AdminMethod | null> {
    const found = adminCredentials(this.config, headers);
    if (!found || found.method !== 'session') return found?.method ?? null;
    // BullMQ's connection waits out a Redis outage; a login check must not: no answer in 2 s is no session.
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<number>((resolve) => (timer = setTimeout(() => resolve(0), 2000)));
    try {
      const live = await Promise.race([this.queues.connection.exists(this.key(found.sessionId)), timeout]);
      return live === 1 ? 'session' : null;
    } catch {
      return null;
    } finally {
      clearTimeout(timer);
    }
  }
}
