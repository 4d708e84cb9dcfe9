import { Get, Query } from '@nestjs/common';
import { IsIn, IsOptional } from 'class-validator';
import { TimeWindowQueryDto } from '../../core/http/query-window.dto';
import { AdminController } from '../common/admin-controller.decorator';
import { UuidParam } from '../common/uuid-param';
import { RequirePermission } from '../../auth/require-permission.decorator';
import { DestinationOverviewService } from './destination-overview.service';

export class OverviewQueryDto extends TimeWindowQueryDto {
  /** Example events per stage (event ids only), 0 to 5. */
  @IsOptional()
  @IsIn(['0', '1', '2', '3', '4', '5'])
  examples?: string;
}

/** GET /admin/destinations/:id/overview: the delivery funnel, from counters kept as outcomes are recorded. */
@AdminController('destinations')
export class DestinationOverviewController {
  constructor(private readonly overviews: DestinationOverviewService) {}

  @Get(':id/overview')
  @RequirePermission('config.read', { params: { id: 'destination' } })
  overview(@UuidParam('id') id: string, @Query() q: OverviewQueryDto) {
    return this.overviews.overview(id, { from: q.from, to: q.to, examples: Number(q.examples ?? 0) });
  }
}
