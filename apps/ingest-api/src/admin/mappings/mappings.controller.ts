import { Body, Delete, Get, HttpCode, Patch, Post } from '@nestjs/common';
import { AdminController } from '../common/admin-controller.decorator';
import { UuidParam } from '../common/uuid-param';
import { CreateMappingDto, UpdateMappingDto } from './mapping.dto';
import { MappingsService } from './mappings.service';

@AdminController('destinations/:id/mappings')
export class MappingsController {
  constructor(private readonly mappings: MappingsService) {}

  @Post()
  create(@UuidParam('id') id: string, @Body() dto: CreateMappingDto) {
    return this.mappings.create(id, dto);
  }

  @Get()
  async list(@UuidParam('id') id: string) {
    return { mappings: await this.mappings.list(id) };
  }

  @Get(':mappingId')
  get(@UuidParam('id') id: string, @UuidParam('mappingId') mappingId: string) {
    return this.mappings.get(id, mappingId);
  }

  @Patch(':mappingId')
  update(@UuidParam('id') id: string, @UuidParam('mappingId') mappingId: string, @Body() dto: UpdateMappingDto) {
    return this.mappings.update(id, mappingId, dto);
  }

  @Delete(':mappingId')
  @HttpCode(204)
  async remove(@UuidParam('id') id: string, @UuidParam('mappingId') mappingId: string): Promise<void> {
    await this.mappings.remove(id, mappingId);
  }
}
