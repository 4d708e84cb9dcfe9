import { pageAccess } from './page-access';
import { Controller, Get, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../core/errors/app-error';
import { AdminSessions } from '../../auth/admin-sessions.service';
import { OpsQueries } from './ops-queries.repository';
import { isScoped } from '../../auth/principal';
import { allows } from '../../auth/roles';
import { sendHtml } from './html-reply';
import { pageFilter } from './rejected-filter';
import { SourceOption, rejectedPage } from './rejected-page';

/** GET /admin/ui/rejected: the operations page's list of rejected events (same login as /admin/ui). */
@ApiExcludeController()
@Controller('admin/ui/rejected')
export class RejectedUiController {
  constructor(
    private readonly sessions: AdminSessions,
    private readonly queries: OpsQueries,
  ) {}

  @Get()
  async page(@Query() query: unknown, @Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    // Rejected items are event data of every source: read-all roles with no scope only.
    const access = await pageAccess(this.sessions, req, reply, (p) => allows(p.role, 'events.read') && !isScoped(p));
    if (!access) return;
    const { nonce } = access;
    const { form, filter, error } = pageFilter(query);
    const sources: SourceOption[] = await this.queries.sourceOptions();
    if (!filter) {
      sendHtml(reply, 400, rejectedPage(nonce, { form, sources, rows: [], nextCursor: null, error }), nonce);
      return;
    }
    try {
      const page = await this.queries.rejectedEvents(filter);
      const view = { form, sources, rows: page.rejectedEvents, nextCursor: page.nextCursor };
      sendHtml(reply, 200, rejectedPage(nonce, view), nonce);
    } catch (e) {
      // A bad cursor or range: the API's own message, on the page.
      if (!(e instanceof AppError) || e.status !== 400) throw e;
      const view = { form, sources, rows: [], nextCursor: null, error: e.message };
      sendHtml(reply, 400, rejectedPage(nonce, view), nonce);
    }
  }
}
