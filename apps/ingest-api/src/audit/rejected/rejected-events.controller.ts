import { Get, Query } from '@nestjs/common';
import { AdminController } from '../../admin/common/admin-controller.decorator';
import { RejectedEventsQueryDto } from './rejected-events.dto';
import { RejectedEventsReads } from './rejected-events-reads.repository';
import { RequirePermission } from '../../auth/require-permission.decorator';

/** GET /admin/rejected-events: batch items refused as invalid, with the reason and the item (write keys redacted). */
@AdminController('rejected-events')
export class RejectedEventsController {
  constructor(private readonly rejectedEvents: RejectedEventsReads) {}

  @Get()
  @RequirePermission('events.read', { query: { sourceId: 'source' }, eventData: true })
  list(@Query() q: RejectedEventsQueryDto) {
    return this.rejectedEvents.list(q);
  }
}
