import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { randomBytes } from 'crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError, badRequest, notFound } from '../../core/errors/app-error';
import { adminBody } from '../../admin/common/admin-validation.pipe';
import { UuidParam } from '../../admin/common/uuid-param';
import { DestinationPauseService, PauseState } from '../../admin/destinations/destination-pause.service';
import { INGEST_CONFIG, IngestConfig } from '../../core/config/ingest.config';
import { RedriveDto } from '../../audit/redrive/redrive.dto';
import { RedriveService } from '../../audit/redrive/redrive.service';
import { CreateReplayDto } from '../../audit/replay/replay.dto';
import { ReplaysService } from '../../audit/replay/replays.service';
import { AdminSessions } from '../../auth/admin-sessions.service';
import { LoginThrottle } from '../../auth/login-throttle';
import { sendHtml } from './html-reply';
import { loginPage, opsPage } from './ops-page';
import { OpsQueries } from './ops-queries.repository';
import { OpsUiGuard } from '../../auth/ops-ui.guard';
import { clearedSessionCookie, sessionCookie, tokenMatches } from '../../auth/admin-credentials';

/**
 * The operations page at /admin/ui. A browser logs in with the admin token and gets an HttpOnly,
 * SameSite=Strict session cookie holding an HMAC (never the token); Bearer and Basic admin credentials
 * work too. Unauthenticated, the page is the login form with 401 and no data, and the JSON routes
 * under /admin/ui/api answer 401.
 *
 * Replay, redrive, pause and resume call the admin API's own services (the ones behind `POST /admin/replays`,
 * `POST /admin/deliveries/redrive` and `POST /admin/destinations/:id/pause|resume`), with the body validated
 * by the admin API's pipe, so the page gets exactly what the API answers — including its errors.
 */
@ApiExcludeController()
@Controller('admin/ui')
export class OpsUiController {
  constructor(
    @Inject(INGEST_CONFIG) private readonly config: IngestConfig,
    private readonly queries: OpsQueries,
    private readonly sessions: AdminSessions,
    private readonly loginThrottle: LoginThrottle,
    private readonly pauses: DestinationPauseService,
    private readonly replays: ReplaysService,
    private readonly redrives: RedriveService,
  ) {}

  @Get()
  async page(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const nonce = randomBytes(16).toString('base64');
    if (!(await this.sessions.authenticate(req.headers))) {
      sendHtml(reply, 401, loginPage(nonce), nonce);
      return;
    }
    sendHtml(reply, 200, opsPage(nonce, await this.queries.overview(), new Date()), nonce);
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
    if (typeof token !== 'string' || !tokenMatches(this.config, token)) {
      this.loginThrottle.failed(req.ip);
      throw new AppError(401, 'unauthorized', 'Wrong admin token');
    }
    this.loginThrottle.succeeded(req.ip);
    const secure = req.protocol === 'https';
    void reply.header('Set-Cookie', sessionCookie(await this.sessions.start(), secure));
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
  @UseGuards(OpsUiGuard)
  async revokeSessions(): Promise<{ revoked: number }> {
    return { revoked: await this.sessions.endAll() };
  }

  @Get('api/overview')
  @UseGuards(OpsUiGuard)
  async overview() {
    return { destinations: await this.queries.overview() };
  }

  @Get('api/search')
  @UseGuards(OpsUiGuard)
  async search(@Query('q') q: unknown) {
    if (typeof q !== 'string' || q.trim() === '' || q.length > 500) {
      throw badRequest('invalid_request', '"q" must be a messageId or userId (1-500 characters)');
    }
    return { events: await this.queries.searchEvents(q.trim()) };
  }

  @Get('api/events/:id/timeline')
  @UseGuards(OpsUiGuard)
  async timeline(@Param('id') id: string) {
    if (!/^\d{1,19}$/.test(id)) throw badRequest('invalid_request', 'The event id is a number');
    const found = await this.queries.eventTimeline(id);
    if (!found) throw notFound(`No event ${id}`);
    return found;
  }

  /** A dry run answers 200 {dryRun, matched, sample}; a real run 202 with the replay (as POST /admin/replays). */
  @Post('api/replays')
  @UseGuards(OpsUiGuard)
  async replay(@Body() body: unknown, @Res({ passthrough: true }) reply: FastifyReply) {
    void reply.header('Cache-Control', 'no-store');
    const dto = await adminBody(CreateReplayDto, body);
    const result = await this.replays.create(dto);
    void reply.status(dto.dryRun ? 200 : 202);
    return result;
  }

  @Post('api/redrive')
  @HttpCode(200)
  @UseGuards(OpsUiGuard)
  async redrive(@Body() body: unknown, @Res({ passthrough: true }) reply: FastifyReply) {
    void reply.header('Cache-Control', 'no-store');
    return this.redrives.redrive(await adminBody(RedriveDto, body));
  }

  @Post('api/destinations/:id/pause')
  @HttpCode(200)
  @UseGuards(OpsUiGuard)
  pause(@UuidParam('id') id: string): Promise<PauseState> {
    return this.pauses.pause(id);
  }

  @Post('api/destinations/:id/resume')
  @HttpCode(200)
  @UseGuards(OpsUiGuard)
  resume(@UuidParam('id') id: string): Promise<PauseState> {
    return this.pauses.resume(id);
  }
}
