import { Body, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { AdminController } from '../common/admin-controller.decorator';
import { CreateDeletionDto } from './deletion.dto';
import { DeletionsService } from './deletions.service';

@AdminController('deletions')
export class DeletionsController {
  constructor(private readonly deletions: DeletionsService) {}

  /** Accepted for asynchronous processing: 202 {id, status, users, deletionIds, destinations}. */
  @Post()
  @HttpCode(202)
  create(@Body() dto: CreateDeletionDto) {
    return this.deletions.create(dto);
  }

  /** Newest first, 50 a page; `?before=<id>` for the next page. */
  @Get()
  list(@Query('before') before?: string) {
    return this.deletions.list(before);
  }

  /** {status, destinations: [per destination], erased: {events, attempts, rejectedEvents}}. */
  @Get(':id')
  get(@Param('id') id: string) {
    return this.deletions.get(id);
  }
}
