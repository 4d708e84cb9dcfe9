import { Get, Query } from '@nestjs/common';
import { AdminController } from '../admin/common/admin-controller.decorator';
import { AuditContext } from './audit-context.service';
import { RejectedEventsQueryDto } from './rejected-events.dto';
import { listRejectedEvents } from './rejected-events.query';
import { RequirePermission } from '../auth/require-permission.decorator';

/** GET /admin/rejected-events: batch items refused as invalid, with the reason and the item (write keys redacted). */
@AdminController('rejected-events')
export class RejectedEventsController {
  constructor(private readonly ctx: AuditContext) {}

  @Get()
  @RequirePermission('events.read', { query: { sourceId: 'source' }, eventData: true })
  list(@Query() q: RejectedEventsQueryDto) {
    return listRejectedEvents(this.ctx.pool, q);
  }
}
