import { Body, Controller, Get, HttpCode, Param, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { ApiExcludeController } from '@nestjs/swagger';
import { randomBytes } from 'crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, badRequest, notFound } from '../common/errors/app-error';
import { UuidParam } from '../admin/common/uuid-param';
import type { PauseState } from '../admin/destinations/destination-pause.service';
import { OpsContext } from './ops-context.service';
import { LoginThrottle } from './login-throttle';
import { sendHtml } from './html-reply';
import { loginPage, opsPage } from './ops-page';
import { eventTimeline, overview, searchEvents } from './ops-queries';
import { OpsUiGuard } from './ops-ui.guard';
import { clearedSessionCookie, sessionCookie, tokenMatches } from './admin-credentials';

/**
 * The operations page at /admin/ui. A browser logs in with the admin token and gets an HttpOnly,
 * SameSite=Strict session cookie holding an HMAC (never the token); Bearer and Basic admin credentials
 * work too. Unauthenticated, the page is the login form with 401 and no data, and the JSON routes
 * under /admin/ui/api answer 401.
 *
 * Replay and redrive go through the admin API itself (`POST /admin/replays`,
 * `POST /admin/deliveries/redrive`), called in-process with the admin token, so the UI shows exactly
 * what the API answers — including its errors. Pause and resume call the admin API's DestinationPauseService
 * directly (the same service behind `POST /admin/destinations/:id/pause|resume`).
 */
@ApiExcludeController()
@Controller('admin/ui')
export class OpsUiController {
  constructor(
    private readonly ctx: OpsContext,
    private readonly adapterHost: HttpAdapterHost,
    private readonly loginThrottle: LoginThrottle,
  ) {}

  @Get()
  async page(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const nonce = randomBytes(16).toString('base64');
    if (!(await this.ctx.sessions.authenticate(req.headers))) {
      sendHtml(reply, 401, loginPage(nonce), nonce);
      return;
    }
    sendHtml(reply, 200, opsPage(nonce, await overview(this.ctx.pool), new Date()), nonce);
  }

  @Post('login')
  @HttpCode(204)
  async login(
    @Body() body: unknown,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<void> {
    this.loginThrottle.check(req.ip);
    const token = (body as { token?: unknown } | null)?.token;
    if (typeof token !== 'string' || !tokenMatches(this.ctx.config, token)) {
      this.loginThrottle.failed(req.ip);
      throw new AppError(401, 'unauthorized', 'Wrong admin token');
    }
    this.loginThrottle.succeeded(req.ip);
    const secure = req.protocol === 'https';
    void reply.header('Set-Cookie', sessionCookie(await this.ctx.sessions.start(), secure));
  }

  /** Ends the session server-side (a copied cookie stops working too) and clears the cookie. */
  @Post('logout')
  @HttpCode(204)
  async logout(@Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<void> {
    await this.ctx.sessions.end(req.headers);
    void reply.header('Set-Cookie', clearedSessionCookie());
  }

  /** Ends every operations-page session (all browsers, all ingest instances). */
  @Post('sessions/revoke')
  @UseGuards(OpsUiGuard)
  async revokeSessions(): Promise<{ revoked: number }> {
    return { revoked: await this.ctx.sessions.endAll() };
  }

  @Get('api/overview')
  @UseGuards(OpsUiGuard)
  async overview() {
    return { destinations: await overview(this.ctx.pool) };
  }

  @Get('api/search')
  @UseGuards(OpsUiGuard)
  async search(@Query('q') q: unknown) {
    if (typeof q !== 'string' || q.trim() === '' || q.length > 500) {
      throw badRequest('invalid_request', '"q" must be a messageId or userId (1-500 characters)');
    }
    return { events: await searchEvents(this.ctx.pool, q.trim()) };
  }

  @Get('api/events/:id/timeline')
  @UseGuards(OpsUiGuard)
  async timeline(@Param('id') id: string) {
    if (!/^\d{1,19}$/.test(id)) throw badRequest('invalid_request', 'The event id is a number');
    const found = await eventTimeline(this.ctx.pool, id);
    if (!found) throw notFound(`No event ${id}`);
    return found;
  }

  @Post('api/replays')
  @UseGuards(OpsUiGuard)
  replay(@Body() body: unknown, @Res() reply: FastifyReply): Promise<void> {
    return this.forward('/admin/replays', body, reply);
  }

  @Post('api/redrive')
  @UseGuards(OpsUiGuard)
  redrive(@Body() body: unknown, @Res() reply: FastifyReply): Promise<void> {
    return this.forward('/admin/deliveries/redrive', body, reply);
  }

  @Post('api/destinations/:id/pause')
  @HttpCode(200)
  @UseGuards(OpsUiGuard)
  pause(@UuidParam('id') id: string): Promise<PauseState> {
    return this.ctx.pauses.pause(id);
  }

  @Post('api/destinations/:id/resume')
  @HttpCode(200)
  @UseGuards(OpsUiGuard)
  resume(@UuidParam('id') id: string): Promise<PauseState> {
    return this.ctx.pauses.resume(id);
  }

  private async forward(url: string, body: unknown, reply: FastifyReply): Promise<void> {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    const res = await fastify.inject({
      method: 'POST',
      url,
      headers: { authorization: `Bearer ${this.ctx.config.adminToken}`, 'content-type': 'application/json' },
      payload: JSON.stringify(body ?? {}),
    });
    void reply
      .status(res.statusCode)
      .header('Content-Type', res.headers['content-type'] ?? 'application/json')
      .header('Cache-Control', 'no-store')
      .send(res.body);
  }
}
