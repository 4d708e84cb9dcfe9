import { pageAccess } from './page-access';
import { Controller, Get, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../core/errors/app-error';
import { AdminSessions } from '../../auth/admin-sessions.service';
import { allows } from '../../auth/roles';
import { DestinationOverviewService } from '../../admin/destinations/destination-overview.service';
import { sendHtml } from './html-reply';
import { FunnelCard, funnelPage } from './funnel-page';

const EXAMPLES_PER_STAGE = 3;

/**
 * GET /admin/ui/funnel: the delivery funnel of each destination the logged-in user may see (same login as
 * /admin/ui), from the service behind GET /admin/destinations/:id/overview, with a few example events per stage.
 */
@ApiExcludeController()
@Controller('admin/ui/funnel')
export class FunnelUiController {
  constructor(
    private readonly sessions: AdminSessions,
    private readonly overviews: DestinationOverviewService,
  ) {}

  @Get()
  async page(@Query() query: unknown, @Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const access = await pageAccess(this.sessions, req, reply, (p) => allows(p.role, 'ops.read'));
    if (!access) return;
    const { principal, nonce } = access;
    const q = (query ?? {}) as Record<string, unknown>;
    const text = (v: unknown) => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);
    const form = { from: text(q.from) ?? '', to: text(q.to) ?? '' };
    const destinations = (await this.overviews.destinations()).filter(
      (d) => principal.destinationIds === null || principal.destinationIds.includes(d.id),
    );
    try {
      const cards: FunnelCard[] = [];
      for (const d of destinations) {
        const o = await this.overviews.overview(d.id, {
          from: text(q.from),
          to: text(q.to),
          examples: EXAMPLES_PER_STAGE,
        });
        cards.push({ ...o, id: d.id, name: d.name, examples: o.examples ?? {} });
      }
      sendHtml(reply, 200, funnelPage(nonce, cards, form), nonce);
    } catch (e) {
      // A bad range: the API's own message, on the page.
      if (!(e instanceof AppError) || e.status !== 400) throw e;
      sendHtml(reply, 400, funnelPage(nonce, [], form, e.message), nonce);
    }
  }
}
