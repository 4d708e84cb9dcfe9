import { Body, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { AdminController } from '../common/admin-controller.decorator';
import { CreateDeletionDto } from './deletion.dto';
import { DeletionsService } from './deletions.service';
import { RequirePermission } from '../../auth/require-permission.decorator';
import { Audited } from '../audit-log/audited.decorator';

@AdminController('deletions')
export class DeletionsController {
  constructor(private readonly deletions: DeletionsService) {}

  /** Accepted for asynchronous processing: 202 {id, status, users, deletionIds, destinations}. */
  @Post()
  @HttpCode(202)
  @RequirePermission('deletions.write', { bodyLists: { destinationIds: 'destination' }, eventData: true })
  @Audited({ action: 'deletion.create', targetType: 'deletion', id: { result: 'id' }, recordBody: true })
  create(@Body() dto: CreateDeletionDto) {
    return this.deletions.create(dto);
  }

  /** Newest first, 50 a page; `?before=<id>` for the next page. */
  @Get()
  @RequirePermission('deletions.read', { list: { key: 'deletions', destination: 'destinations.destinationId' } })
  list(@Query('before') before?: string) {
    return this.deletions.list(before);
  }

  /** {status, destinations: [per destination], erased: {events, attempts, rejectedEvents}}. */
  @Get(':id')
  @RequirePermission('deletions.read', { params: { id: 'deletion' } })
  get(@Param('id') id: string) {
    return this.deletions.get(id);
  }
}
