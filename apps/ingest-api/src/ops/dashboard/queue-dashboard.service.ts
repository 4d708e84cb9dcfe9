import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter as BullBoardFastifyAdapter } from '@bull-board/fastify';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { deliveryQueueName } from '@fsd/platform';
import { INGEST_CONFIG, IngestConfig } from '../../core/config/ingest.config';
import { QueueRegistry } from '../../core/queue/queue-registry.service';
import { AdminAccess, AdminSessions } from '../../auth/admin-sessions.service';
import { LoginThrottle } from '../../auth/login-throttle';
import { AppError } from '../../core/errors/app-error';
import { messageOf } from '../../core/errors/message-of';
import { AuditLogRepository } from '../../admin/audit-log/audit-log.repository';
import { attachPrincipal, principalOf } from '../../auth/principal';
import { dashboardRefusal } from './dashboard-access';
import { dashboardAction, isRead } from './dashboard-actions';
import { MetricsReads } from '../metrics/metrics-reads.repository';

export const DASHBOARD_PATH = '/admin/queues';
const REFRESH_MS = 10_000;
/** A dashboard request finds a destination created since the last refresh after at most this long. */
const ON_DEMAND_REFRESH_MS = 1_000;

type Board = ReturnType<typeof createBullBoard>;

/**
 * bull-board at /admin/queues: one entry per destination queue (`delivery-<destinationId>`), found
 * from the destinations table every 10 s (and on dashboard requests at most once a second).
 *
 * bull-board's routes are plain Fastify routes, out of reach of Nest guards, so they are registered
 * in their own Fastify scope behind an `onRequest` hook that admits role tokens (Bearer, HTTP Basic with the token
 * as password, or the ops UI session cookie) — the page, its JSON API and its static assets alike — and decides
 * each request by the route bull-board matched (dashboardRefusal over DASHBOARD_ACTIONS): reads for admin,
 * operator and auditor; redrives and pause/resume for admin and operator; removals, limits and schedulers for
 * admin; adding a job or changing its data for no one. Wrong Basic/Bearer tokens count against the ops login's
 * throttle (5 per address a minute across every ingest process, then 429), so the Basic prompt is no faster way to
 * guess the token. Every change it admits and bull-board performs is appended to the admin audit log. Retrying a
 * failed job there re-runs a `failed` delivery, which the worker records in the audit trail with trigger `redrive`.
 */
@Injectable()
export class QueueDashboard implements OnModuleDestroy {
  private readonly logger = new Logger(QueueDashboard.name);
  private board?: Board;
  private readonly shown = new Set<string>();
  private timer?: NodeJS.Timeout;
  private lastRefresh = 0;
  private refreshing?: Promise<void>;

  constructor(
    @Inject(INGEST_CONFIG) private readonly config: IngestConfig,
    private readonly reads: MetricsReads,
    private readonly queues: QueueRegistry,
    private readonly sessions: AdminSessions,
    /** The operations page's login throttle, the same instance: one budget of wrong tokens per address for both. */
    private readonly throttle: LoginThrottle,
    private readonly auditLog: AuditLogRepository,
  ) {}

  /** Registers the dashboard on the app's Fastify instance; call before `listen`. */
  async mount(app: NestFastifyApplication): Promise<void> {
    const serverAdapter = new BullBoardFastifyAdapter();
    serverAdapter.setBasePath(DASHBOARD_PATH);
    this.board = createBullBoard({
      queues: [],
      serverAdapter,
      options: { uiConfig: { boardTitle: 'FullStory destination queues', hideDocsLink: true } },
    });
    const fastify = app.getHttpAdapter().getInstance() as unknown as FastifyInstance;
    await fastify.register(async (scope) => {
      scope.addHook('onRequest', (req, reply) => this.authorize(req, reply));
      scope.addHook('onResponse', (req, reply) => this.recordChange(req, reply.statusCode));
      await scope.register(serverAdapter.registerPlugin() as never, { prefix: DASHBOARD_PATH });
    });
    await this.refresh();
    this.timer = setInterval(() => void this.refresh(), REFRESH_MS);
    this.timer.unref();
  }

  private async authorize(req: FastifyRequest, reply: FastifyReply): Promise<void> {
    // Only a presented Basic/Bearer token is a guess; a browser's first, header-less request is not.
    const presented = typeof req.headers.authorization === 'string' && req.headers.authorization.trim() !== '';
    let access: AdminAccess | null;
    try {
      if (presented) await this.throttle.check(req.ip);
      access = await this.sessions.authenticate(req.headers);
      if (presented && access !== null && access.method !== 'session') await this.throttle.succeeded(req.ip);
      if (!access && presented) await this.throttle.failed(req.ip);
    } catch (e) {
      if (!(e instanceof AppError)) throw e;
      return this.refuse(reply, e);
    }
    if (!access) {
      await reply
        .status(401)
        .header('WWW-Authenticate', 'Basic realm="admin", charset="UTF-8"')
        .header('Cache-Control', 'no-store')
        .send({ success: false, code: 'unauthorized', message: 'Admin credentials are required' });
      return reply;
    }
    // Refused before bull-board's handler runs: a refused action changes nothing.
    const refusal = dashboardRefusal(access.principal, req.method, routeOf(req));
    if (refusal) return this.refuse(reply, refusal);
    attachPrincipal(req, access.principal, 'dashboard');
    if (req.url.startsWith(`${DASHBOARD_PATH}/api/`) && Date.now() - this.lastRefresh > ON_DEMAND_REFRESH_MS) {
      await this.refresh();
    }
  }

  private async refuse(reply: FastifyReply, e: AppError): Promise<FastifyReply> {
    await reply
      .status(e.status)
      .headers({ ...e.headers, 'Cache-Control': 'no-store' })
      .send({ success: false, code: e.code, message: e.message });
    return reply;
  }

  /** A change through the dashboard (retry, promote, pause, clean, …), once it has succeeded. */
  private async recordChange(req: FastifyRequest, status: number): Promise<void> {
    const principal = principalOf(req);
    const route = routeOf(req);
    if (isRead(req.method) || !principal || status >= 400 || route === null) return;
    const path = req.url.split('?')[0].slice(DASHBOARD_PATH.length);
    const queue = (req.params as { queueName?: string } | undefined)?.queueName ?? null;
    try {
      await this.auditLog.append({
        tokenId: principal.tokenId,
        tokenName: principal.name,
        clientAddress: req.ip,
        via: 'dashboard',
        action: `dashboard.${dashboardAction(req.method, route)?.action ?? 'change'}`,
        targetType: queue ? 'queue' : null,
        targetId: queue,
        details: { method: req.method, path },
      });
    } catch (e) {
      // The answer is already sent; the missing row is logged loudly rather than lost silently.
      this.logger.error(
        `could not append the dashboard change ${req.method} ${path} to the audit log: ${(e as Error).message}`,
      );
    }
  }

  /** Adds queues of new destinations and removes those of archived or deleted ones. */
  refresh(): Promise<void> {
    this.refreshing ??= this.doRefresh().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  private async doRefresh(): Promise<void> {
    const board = this.board;
    if (!board) return;
    try {
      const current = new Set((await this.reads.destinationIds()).map(deliveryQueueName));
      for (const name of current) {
        if (this.shown.has(name)) continue;
        board.addQueue(new BullMQAdapter(this.queues.byName(name), { readOnlyMode: false, allowRetries: true }));
        this.shown.add(name);
      }
      for (const name of [...this.shown]) {
        if (current.has(name)) continue;
        board.removeQueue(name);
        this.shown.delete(name);
      }
      this.lastRefresh = Date.now();
    } catch (e) {
      this.logger.warn(`could not refresh the dashboard's queues: ${messageOf(e)}`);
    }
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
  }
}

/** The route bull-board registered for this request, after /admin/queues; null when none matched. */
function routeOf(req: FastifyRequest): string | null {
  const url = req.routeOptions.url;
  return url?.startsWith(DASHBOARD_PATH) ? url.slice(DASHBOARD_PATH.length) : null;
}
