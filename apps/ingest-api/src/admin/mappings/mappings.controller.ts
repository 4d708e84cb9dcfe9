import { Body, Delete, Get, HttpCode, Patch, Post } from '@nestjs/common';
import { AdminController } from '../common/admin-controller.decorator';
import { BodyFieldAsSent } from '../common/body-field-as-sent';
import { UuidParam } from '../common/uuid-param';
import { CreateMappingDto, UpdateMappingDto } from './mapping.dto';
import { withMappingAsSent } from './mapping-as-sent';
import { MappingsService } from './mappings.service';
import { RequirePermission } from '../../auth/require-permission.decorator';
import { Audited } from '../audit-log/audited.decorator';

/**
 * The DTOs validate the bodies; the `mapping` object itself is taken as sent (withMappingAsSent), its
 * `__proto__`, `constructor` and `prototype` keys included, which the validation pipe strips.
 */
@AdminController('destinations/:id/mappings')
export class MappingsController {
  constructor(private readonly mappings: MappingsService) {}

  @Post()
  @RequirePermission('config.write', { params: { id: 'destination' } })
  @Audited({ action: 'mapping.create', targetType: 'mapping', snapshot: 'mappings', id: { result: 'id' } })
  create(@UuidParam('id') id: string, @Body() dto: CreateMappingDto, @BodyFieldAsSent('mapping') mapping: unknown) {
    return this.mappings.create(id, withMappingAsSent(dto, mapping));
  }

  @Get()
  @RequirePermission('config.read', { params: { id: 'destination' } })
  async list(@UuidParam('id') id: string) {
    return { mappings: await this.mappings.list(id) };
  }

  @Get(':mappingId')
  @RequirePermission('config.read', { params: { id: 'destination' } })
  get(@UuidParam('id') id: string, @UuidParam('mappingId') mappingId: string) {
    return this.mappings.get(id, mappingId);
  }

  @Patch(':mappingId')
  @RequirePermission('config.write', { params: { id: 'destination' } })
  @Audited({ action: 'mapping.update', targetType: 'mapping', snapshot: 'mappings', id: { param: 'mappingId' } })
  update(
    @UuidParam('id') id: string,
    @UuidParam('mappingId') mappingId: string,
    @Body() dto: UpdateMappingDto,
    @BodyFieldAsSent('mapping') mapping: unknown,
  ) {
    return this.mappings.update(id, mappingId, withMappingAsSent(dto, mapping));
  }

  @Delete(':mappingId')
  @HttpCode(204)
  @RequirePermission('config.write', { params: { id: 'destination' } })
  @Audited({ action: 'mapping.delete', targetType: 'mapping', snapshot: 'mappings', id: { param: 'mappingId' } })
  async remove(@UuidParam('id') id: string, @UuidParam('mappingId') mappingId: string): Promise<void> {
    await this.mappings.remove(id, mappingId);
  }
}
