import { HttpCode, Post } from '@nestjs/common';
import { AdminController } from '../common/admin-controller.decorator';
import { UuidParam } from '../common/uuid-param';
import { DestinationPauseService } from './destination-pause.service';
import { RequirePermission } from '../../auth/require-permission.decorator';
import { Audited } from '../audit-log/audited.decorator';

/** Holds a destination's deliveries (live, retries, replays) without sending or failing any, and lets them go. */
@AdminController('destinations')
export class DestinationPauseController {
  constructor(private readonly pauses: DestinationPauseService) {}

  @Post(':id/pause')
  @HttpCode(200)
  @RequirePermission('destinations.pause', { params: { id: 'destination' } })
  @Audited({ action: 'destination.pause', targetType: 'destination', id: { param: 'id' } })
  pause(@UuidParam('id') id: string) {
    return this.pauses.pause(id);
  }

  @Post(':id/resume')
  @HttpCode(200)
  @RequirePermission('destinations.pause', { params: { id: 'destination' } })
  @Audited({ action: 'destination.resume', targetType: 'destination', id: { param: 'id' } })
  resume(@UuidParam('id') id: string) {
    return this.pauses.resume(id);
  }
}
