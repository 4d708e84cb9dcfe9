import { Controller, Get, Req, Res } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { ApiExcludeController } from '@nestjs/swagger';
import { randomBytes } from 'crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { UuidParam } from '../admin/common/uuid-param';
import type { DestinationView } from '../admin/destinations/destination.view';
import type { SourceView } from '../admin/sources/source.dto';
import { configLayout, notFoundBody } from './config-common';
import { destinationsPage } from './config-destinations-page';
import { readAdmin } from './config-forward';
import { mappingsPage } from './config-mappings-page';
import { pausedDestinations } from './config-queries';
import { sourcesPage } from './config-sources-page';
import { sendHtml } from './html-reply';
import { loginPage } from './ops-page';
import { OpsContext } from './ops-context.service';

/**
 * The configuration pages under /admin/ui/config (same login as /admin/ui): sources, destinations and a
 * destination's mappings. They read through the admin API, so they show what `GET /admin/...` answers; their
 * scripts change things through /admin/ui/api/config (ConfigApiController), which relays to the admin API.
 */
@ApiExcludeController()
@Controller('admin/ui/config')
export class ConfigUiController {
  constructor(
    private readonly ctx: OpsContext,
    private readonly adapterHost: HttpAdapterHost,
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
    await this.render(req, reply, async (nonce) => {
      const { sources } = (await this.read<{ sources: SourceView[] }>('/admin/sources'))!;
      return { status: 200, html: sourcesPage(nonce, sources) };
    });
  }

  @Get('destinations')
  async destinations(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    await this.render(req, reply, async (nonce) => {
      const [{ destinations }, { sources }, paused] = await Promise.all([
        this.read<{ destinations: DestinationView[] }>('/admin/destinations').then((v) => v!),
        this.read<{ sources: SourceView[] }>('/admin/sources').then((v) => v!),
        pausedDestinations(this.ctx.pool),
      ]);
      return { status: 200, html: destinationsPage(nonce, { destinations, sources, paused }) };
    });
  }

  @Get('destinations/:id/mappings')
  async mappings(@UuidParam('id') id: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    await this.render(req, reply, async (nonce) => {
      const dest = await this.read<DestinationView>(`/admin/destinations/${id}`);
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
    build: (nonce: string) => Promise<{ status: number; html: string } | null>,
  ): Promise<void> {
    const nonce = randomBytes(16).toString('base64');
    if (!(await this.ctx.sessions.authenticate(req.headers))) {
      sendHtml(reply, 401, loginPage(nonce), nonce);
      return;
    }
    const page = await build(nonce);
    if (page) sendHtml(reply, page.status, page.html, nonce);
  }

  private read<T>(url: string): Promise<T | null> {
    return readAdmin<T>(this.adapterHost.httpAdapter.getInstance<FastifyInstance>(), this.ctx.config.adminToken, url);
  }
}
