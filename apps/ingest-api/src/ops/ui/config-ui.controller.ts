import { pageAccess } from './page-access';
import { Controller, Get, Req, Res } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { UuidParam } from '../../admin/common/uuid-param';
import type { DestinationView } from '../../admin/destinations/destination.view';
import type { SourceView } from '../../admin/sources/source.dto';
import { configLayout, notFoundBody } from './config-common';
import { destinationsPage } from './config-destinations-page';
import { ReadForbidden, RelayCaller, readAdmin } from './config-forward';
import { TokenResolver } from '../../auth/token-resolver.service';
import { mappingsPage } from './config-mappings-page';
import { ConfigQueries } from './config-queries.repository';
import { sourcesPage } from './config-sources-page';
import { sendHtml } from './html-reply';
import { AdminSessions } from '../../auth/admin-sessions.service';

/**
 * The configuration pages under /admin/ui/config (same login as /admin/ui): sources, destinations and a
 * destination's mappings. They read through the admin API, so they show what `GET /admin/...` answers; their
 * scripts change things through /admin/ui/api/config (ConfigApiController), which relays to the admin API.
 */
@ApiExcludeController()
@Controller('admin/ui/config')
export class ConfigUiController {
  constructor(
    private readonly queries: ConfigQueries,
    private readonly sessions: AdminSessions,
    private readonly adapterHost: HttpAdapterHost,
    private readonly resolver: TokenResolver,
  ) {}

  @Get()
  async index(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    await this.render(req, reply, async () => {
      void reply.status(302).header('Location', '/admin/ui/config/sources').send();
      return null;
    });
  }

  @Get('sources')
  async sources(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    await this.render(req, reply, async (nonce, caller) => {
      const { sources } = (await this.read<{ sources: SourceView[] }>(caller, '/admin/sources'))!;
      return { status: 200, html: sourcesPage(nonce, sources) };
    });
  }

  @Get('destinations')
  async destinations(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    await this.render(req, reply, async (nonce, caller) => {
      const [{ destinations }, { sources }, paused] = await Promise.all([
        this.read<{ destinations: DestinationView[] }>(caller, '/admin/destinations').then((v) => v!),
        this.read<{ sources: SourceView[] }>(caller, '/admin/sources').then((v) => v!),
        this.queries.pausedDestinations(),
      ]);
      return { status: 200, html: destinationsPage(nonce, { destinations, sources, paused }) };
    });
  }

  @Get('destinations/:id/mappings')
  async mappings(@UuidParam('id') id: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    await this.render(req, reply, async (nonce, caller) => {
      const dest = await this.read<DestinationView>(caller, `/admin/destinations/${id}`);
      if (!dest) {
        const body = notFoundBody(`Destination ${id} does not exist.`);
        return { status: 404, html: configLayout('Not found', nonce, 'mappings', body, '') };
      }
      return { status: 200, html: mappingsPage(nonce, dest) };
    });
  }

  /** The login form (401) without a session; otherwise the page `build` renders, or nothing if it replied. */
  private async render(
    req: FastifyRequest,
    reply: FastifyReply,
    build: (nonce: string, caller: RelayCaller) => Promise<{ status: number; html: string } | null>,
  ): Promise<void> {
    const access = await pageAccess(this.sessions, req, reply, () => true);
    if (!access) return;
    const { nonce } = access;
    const caller: RelayCaller = {
      delegate: () => this.resolver.delegate(access.principal, 'ops-ui'),
      remoteAddress: req.ip,
    };
    try {
      const page = await build(nonce, caller);
      if (page) sendHtml(reply, page.status, page.html, nonce);
    } catch (e) {
      if (!(e instanceof ReadForbidden)) throw e;
      const body = notFoundBody(`Your token's role (${access.principal.role}) or scope does not allow reading this.`);
      sendHtml(reply, 403, configLayout('Not allowed', nonce, 'sources', body, ''), nonce);
    }
  }

  private read<T>(caller: RelayCaller, url: string): Promise<T | null> {
    return readAdmin<T>(this.adapterHost.httpAdapter.getInstance<FastifyInstance>(), caller, url);
  }
}
