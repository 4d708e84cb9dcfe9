import { pageAccess } from './page-access';
import {
  Body,
  Controller,
  Get,
  HttpCode,
  Param,
  Post,
  Query,
  Req,
  Res,
  UseGuards,
  UseInterceptors,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, badRequest, notFound } from '../../core/errors/app-error';
import { UuidParam } from '../../admin/common/uuid-param';
import { DestinationPauseService, PauseState } from '../../admin/destinations/destination-pause.service';
import { AuditLogInterceptor } from '../../admin/audit-log/audit-log.interceptor';
import { Audited } from '../../admin/audit-log/audited.decorator';
import { AdminSessions } from '../../auth/admin-sessions.service';
import { clearedSessionCookie, sessionCookie } from '../../auth/admin-credentials';
import { LoginThrottle } from '../../auth/login-throttle';
import { opsAccess } from '../../auth/ops-access';
import { OpsUiGuard } from '../../auth/ops-ui.guard';
import { requirePrincipal } from '../../auth/principal';
import { RequirePermission } from '../../auth/require-permission.decorator';
import { RoleGuard } from '../../auth/role.guard';
import { allows } from '../../auth/roles';
import { ScopeListInterceptor } from '../../auth/scope-list.interceptor';
import { TokenResolver } from '../../auth/token-resolver.service';
import { relayAdminCall } from './config-forward';
import { sendHtml } from './html-reply';
import { opsPage } from './ops-page';
import { OpsQueries } from './ops-queries.repository';

/**
 * The operations page at /admin/ui. A browser logs in with any token and gets an HttpOnly, SameSite=Strict
 * session cookie holding an HMAC (never the token); Bearer and Basic credentials work too. Unauthenticated, the
 * page is the login form with 401 and no data, and the JSON routes under /admin/ui/api answer 401.
 *
 * Replay and redrive go through the admin API itself (`POST /admin/replays`, `POST /admin/deliveries/redrive`),
 * called in-process with a one-request token delegated from the logged-in user (TokenResolver.delegate): the API
 * applies that user's role and scope in its one place, the admin audit log names them, and the page shows exactly
 * what the API answers, errors included. Pause and resume call DestinationPauseService (the service behind
 * `POST /admin/destinations/:id/pause|resume`) under the same permission and audit rule.
 */
@ApiExcludeController()
@Controller('admin/ui')
@UseInterceptors(ScopeListInterceptor, AuditLogInterceptor)
export class OpsUiController {
  constructor(
    private readonly queries: OpsQueries,
    private readonly sessions: AdminSessions,
    private readonly loginThrottle: LoginThrottle,
    private readonly pauses: DestinationPauseService,
    private readonly resolver: TokenResolver,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  @Get()
  async page(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const access = await pageAccess(this.sessions, req, reply, (p) => allows(p.role, 'ops.read'));
    if (!access) return;
    const { principal, nonce } = access;
    // A token limited to some destinations sees only their cards.
    const cards = (await this.queries.overview()).filter(
      (d) => principal.destinationIds === null || principal.destinationIds.includes(d.id),
    );
    sendHtml(reply, 200, opsPage(nonce, cards, new Date(), opsAccess(principal)), nonce);
  }

  @Post('login')
  @HttpCode(204)
  async login(
    @Body() body: unknown,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<void> {
    await this.loginThrottle.check(req.ip);
    const token = (body as { token?: unknown } | null)?.token;
    const principal = typeof token === 'string' ? await this.resolver.resolve(token) : null;
    if (!principal) {
      await this.loginThrottle.failed(req.ip);
      throw new AppError(401, 'unauthorized', 'Wrong admin token');
    }
    await this.loginThrottle.succeeded(req.ip);
    const secure = req.protocol === 'https';
    void reply.header('Set-Cookie', sessionCookie(await this.sessions.start(principal), secure));
  }

  /** Ends the session server-side (a copied cookie stops working too) and clears the cookie. */
  @Post('logout')
  @HttpCode(204)
  async logout(@Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<void> {
    await this.sessions.end(req.headers);
    void reply.header('Set-Cookie', clearedSessionCookie());
  }

  /** Ends every operations-page session (all browsers, all ingest instances). */
  @Post('sessions/revoke')
  @UseGuards(OpsUiGuard, RoleGuard)
  @RequirePermission('sessions.revoke', { unscopedOnly: true })
  @Audited({ action: 'sessions.revokeAll', targetType: 'sessions' })
  async revokeSessions(): Promise<{ revoked: number }> {
    return { revoked: await this.sessions.endAll() };
  }

  @Get('api/overview')
  @UseGuards(OpsUiGuard, RoleGuard)
  @RequirePermission('ops.read', { list: { key: 'destinations', destination: 'id' } })
  async overview() {
    return { destinations: await this.queries.overview() };
  }

  @Get('api/search')
  @UseGuards(OpsUiGuard, RoleGuard)
  @RequirePermission('ops.read', { eventData: true })
  async search(@Query('q') q: unknown) {
    if (typeof q !== 'string' || q.trim() === '' || q.length > 500) {
      throw badRequest('invalid_request', '"q" must be a messageId or userId (1-500 characters)');
    }
    return { events: await this.queries.searchEvents(q.trim()) };
  }

  @Get('api/events/:id/timeline')
  @UseGuards(OpsUiGuard, RoleGuard)
  @RequirePermission('ops.read', { params: { id: 'event' }, eventData: true })
  async timeline(@Param('id') id: string) {
    if (!/^\d{1,19}$/.test(id)) throw badRequest('invalid_request', 'The event id is a number');
    const found = await this.queries.eventTimeline(id);
    if (!found) throw notFound(`No event ${id}`);
    return found;
  }

  /** The admin API decides (with this user's role and scope) and records; the page only relays. */
  @Post('api/replays')
  @UseGuards(OpsUiGuard, RoleGuard)
  @RequirePermission('ops.read')
  replay(@Body() body: unknown, @Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.forward('/admin/replays', body, req, reply);
  }

  /** A replay's progress for the page (started above), read as the logged-in user. */
  @Get('api/replays/:id')
  @UseGuards(OpsUiGuard, RoleGuard)
  @RequirePermission('ops.read')
  replayProgress(@Param('id') id: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    if (!/^\d{1,19}$/.test(id)) throw badRequest('invalid_request', 'The replay id is a number');
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    const caller = { delegate: () => this.resolver.delegate(requirePrincipal(req), 'ops-ui'), remoteAddress: req.ip };
    return relayAdminCall(fastify, caller, { method: 'GET', url: `/admin/replays/${id}` }, reply);
  }

  @Post('api/redrive')
  @UseGuards(OpsUiGuard, RoleGuard)
  @RequirePermission('ops.read')
  redrive(@Body() body: unknown, @Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.forward('/admin/deliveries/redrive', body, req, reply);
  }

  @Post('api/destinations/:id/pause')
  @HttpCode(200)
  @UseGuards(OpsUiGuard, RoleGuard)
  @RequirePermission('destinations.pause', { params: { id: 'destination' } })
  @Audited({ action: 'destination.pause', targetType: 'destination', id: { param: 'id' } })
  pause(@UuidParam('id') id: string): Promise<PauseState> {
    return this.pauses.pause(id);
  }

  @Post('api/destinations/:id/resume')
  @HttpCode(200)
  @UseGuards(OpsUiGuard, RoleGuard)
  @RequirePermission('destinations.pause', { params: { id: 'destination' } })
  @Audited({ action: 'destination.resume', targetType: 'destination', id: { param: 'id' } })
  resume(@UuidParam('id') id: string): Promise<PauseState> {
    return this.pauses.resume(id);
  }

  private async forward(url: string, body: unknown, req: FastifyRequest, reply: FastifyReply): Promise<void> {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    const res = await fastify.inject({
      method: 'POST',
      url,
      headers: {
        authorization: `Bearer ${this.resolver.delegate(requirePrincipal(req), 'ops-ui')}`,
        'content-type': 'application/json',
      },
      // The audit log records the browser's address, not the in-process call's.
      remoteAddress: req.ip,
      payload: JSON.stringify(body ?? {}),
    });
    void reply
      .status(res.statusCode)
      .header('Content-Type', res.headers['content-type'] ?? 'application/json')
      .header('Cache-Control', 'no-store')
      .send(res.body);
  }
}
