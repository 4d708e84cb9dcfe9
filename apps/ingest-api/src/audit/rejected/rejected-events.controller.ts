import { Get, Inject, Query } from '@nestjs/common';
import { Pool } from 'pg';
import { AdminController } from '../../admin/common/admin-controller.decorator';
import { READ_POOL } from '../../core/database/read-pool.provider';
import { RejectedEventsQueryDto } from './rejected-events.dto';
import { listRejectedEvents } from './rejected-events.query';

/** GET /admin/rejected-events: batch items refused as invalid, with the reason and the item (write keys redacted). */
@AdminController('rejected-events')
export class RejectedEventsController {
  constructor(@Inject(READ_POOL) private readonly pool: Pool) {}

  @Get()
  list(@Query() q: RejectedEventsQueryDto) {
    return listRejectedEvents(this.pool, q);
  }
}
