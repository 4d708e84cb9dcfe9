import { Body, HttpCode, Post } from '@nestjs/common';
import { AdminController } from '../common/admin-controller.decorator';
import { CreateDeletionDto } from './deletion.dto';
import { DeletionsService } from './deletions.service';

@AdminController('deletions')
export class DeletionsController {
  constructor(private readonly deletions: DeletionsService) {}

  /** Accepted for asynchronous processing: 202 {deletionIds, destinations}. */
  @Post()
  @HttpCode(202)
  create(@Body() dto: CreateDeletionDto) {
    return this.deletions.create(dto);
  }
}
