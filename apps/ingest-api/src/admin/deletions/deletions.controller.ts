import { Body, Get, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { AdminController } from '../common/admin-controller.decorator';
import { CreateDeletionDto } from './deletion.dto';
import { DeletionsService } from './deletions.service';
import { RequirePermission } from '../../auth/require-permission.decorator';
import { Audited } from '../audit-log/audited.decorator';
import { requirePrincipal } from '../../auth/principal';

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

  /** Newest first, 50 a page; `?before=<id>` for the next page. A scoped token's list keeps to its scope. */
  @Get()
  @RequirePermission('deletions.read')
  list(@Req() req: FastifyRequest, @Query('before') before?: string) {
    const { sourceIds, destinationIds } = requirePrincipal(req);
    return this.deletions.list(before, { sourceIds, destinationIds });
  }

  /** {status, destinations: [per destination], erased: {events, attempts, rejectedEvents}}. */
  @Get(':id')
  @RequirePermission('deletions.read', { params: { id: 'deletion' } })
  get(@Param('id') id: string) {
    return this.deletions.get(id);
  }
}
