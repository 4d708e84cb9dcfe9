import { Body, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post } from '@nestjs/common';
import { AdminController } from '../common/admin-controller.decorator';
import { CreateMappingDto, UpdateMappingDto } from './mapping.dto';
import { MappingsService } from './mappings.service';

@AdminController('destinations/:id/mappings')
export class MappingsController {
  constructor(private readonly mappings: MappingsService) {}

  @Post()
  create(@Param('id', ParseUUIDPipe) id: string, @Body() dto: CreateMappingDto) {
    return this.mappings.create(id, dto);
  }

  @Get()
  async list(@Param('id', ParseUUIDPipe) id: string) {
    return { mappings: await this.mappings.list(id) };
  }

  @Get(':mappingId')
  get(@Param('id', ParseUUIDPipe) id: string, @Param('mappingId', ParseUUIDPipe) mappingId: string) {
    return this.mappings.get(id, mappingId);
  }

  @Patch(':mappingId')
  update(
    @Param('id', ParseUUIDPipe) id: string,
    @Param('mappingId', ParseUUIDPipe) mappingId: string,
    @Body() dto: UpdateMappingDto,
  ) {
    return this.mappings.update(id, mappingId, dto);
  }

  @Delete(':mappingId')
  @HttpCode(204)
  async remove(
    @Param('id', ParseUUIDPipe) id: string,
    @Param('mappingId', ParseUUIDPipe) mappingId: string,
  ): Promise<void> {
    await this.mappings.remove(id, mappingId);
  }
}
