import { Body, HttpCode, Post } from '@nestjs/common';
import { AdminController } from '../../admin/common/admin-controller.decorator';
import { RedriveDto } from './redrive.dto';
import { RedriveService } from './redrive.service';
import { RequirePermission } from '../../auth/require-permission.decorator';
import { Audited } from '../../admin/audit-log/audited.decorator';

@AdminController('deliveries')
export class RedriveController {
  constructor(private readonly redrives: RedriveService) {}

  /** Dry run: `{dryRun: true, matched}`; otherwise every failed delivery selected runs again: `{redriven}`. */
  @Post('redrive')
  @HttpCode(200)
  @RequirePermission('deliveries.redrive', { body: { destinationId: 'destination' }, eventData: true })
  @Audited({
    action: 'deliveries.redrive',
    targetType: 'destination',
    id: { body: 'destinationId' },
    recordBody: true,
    skipDryRun: true,
  })
  redrive(@Body() dto: RedriveDto) {
    return this.redrives.redrive(dto);
  }
}
