import { Get, Param, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { AdminController } from '../../admin/common/admin-controller.decorator';
import { EventsQueryDto, ExportQueryDto } from './audit-query.dto';
import { AuditService } from './audit.service';
import { ExportService } from '../export/export.service';
import { RequirePermission } from '../../auth/require-permission.decorator';

/** GET /admin/events: the event log with each event's delivery status per destination. */
@AdminController('events')
export class AuditEventsController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @RequirePermission('events.read', {
    alternative: { permission: 'events.readUser', when: 'userIdQuery' },
    query: { sourceId: 'source', destinationId: 'destination' },
    eventData: true,
  })
  list(@Query() q: EventsQueryDto) {
    return this.audit.list(q);
  }

  /** The event as received and as stored, each delivery, its attempts and its state changes. */
  @Get(':id')
  @RequirePermission('events.read', { params: { id: 'event' }, eventData: true })
  get(@Param('id') id: string) {
    return this.audit.get(id);
  }
}

/** GET /admin/export?from=&to=&format=ndjson|csv[&kind=deletions]: a streamed download. */
@AdminController('export')
export class AuditExportController {
  constructor(private readonly exporter: ExportService) {}

  @Get()
  @RequirePermission('events.read', { query: { sourceId: 'source', destinationId: 'destination' }, eventData: true })
  export(@Query() q: ExportQueryDto, @Res() reply: FastifyReply): FastifyReply {
    const plan = this.exporter.plan(q);
    const stamp = `${plan.from}_${plan.to}`.replace(/[^0-9A-Za-z_-]/g, '');
    return reply
      .header('Content-Type', plan.format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8')
      .header('Content-Disposition', `attachment; filename="${plan.kind}_${stamp}.${plan.format}"`)
      .header('Cache-Control', 'no-store')
      .send(this.exporter.stream(plan));
  }
}
