import { Body, Delete, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import { AdminController } from '../common/admin-controller.decorator';
import { UuidParam } from '../common/uuid-param';
import { CreateSourceDto, RotateWriteKeyDto, UpdateSourceDto } from './source.dto';
import { SourcesService } from './sources.service';
import { RequirePermission } from '../../auth/require-permission.decorator';
import { Audited } from '../audit-log/audited.decorator';

@AdminController('sources')
export class SourcesController {
  constructor(private readonly sources: SourcesService) {}

  /** The response carries `writeKey`; it is never shown again. */
  @Post()
  @RequirePermission('config.write', { unscopedOnly: true })
  @Audited({ action: 'source.create', targetType: 'source', snapshot: 'sources', id: { result: 'id' } })
  create(@Body() dto: CreateSourceDto) {
    return this.sources.create(dto);
  }

  @Get()
  @RequirePermission('config.read', { list: { key: 'sources', source: 'id' } })
  async list(@Query('includeArchived') includeArchived?: string) {
    return { sources: await this.sources.list(includeArchived === 'true') };
  }

  @Get(':id')
  @RequirePermission('config.read', { params: { id: 'source' } })
  get(@UuidParam('id') id: string) {
    return this.sources.get(id);
  }

  @Patch(':id')
  @RequirePermission('config.write', {
    params: { id: 'source' },
    alternative: { permission: 'config.enable', when: 'onlyEnabled' },
  })
  @Audited({ action: 'source.update', targetType: 'source', snapshot: 'sources', id: { param: 'id' } })
  update(@UuidParam('id') id: string, @Body() dto: UpdateSourceDto) {
    return this.sources.update(id, dto);
  }

  /**
   * Replaces the write key; the old one stops working at once, or after `overlapSeconds` (up to a week)
   * so senders can switch without losing events. The new key is shown once.
   */
  @Post(':id/rotate-write-key')
  @HttpCode(200)
  @RequirePermission('config.write', { params: { id: 'source' } })
  @Audited({ action: 'source.rotateWriteKey', targetType: 'source', snapshot: 'sources', id: { param: 'id' } })
  rotate(@UuidParam('id') id: string, @Body() dto: RotateWriteKeyDto) {
    return this.sources.rotateWriteKey(id, dto.overlapSeconds ?? 0);
  }

  @Delete(':id')
  @HttpCode(204)
  @RequirePermission('config.write', { params: { id: 'source' } })
  @Audited({ action: 'source.archive', targetType: 'source', snapshot: 'sources', id: { param: 'id' } })
  async remove(@UuidParam('id') id: string): Promise<void> {
    await this.sources.remove(id);
  }
}
