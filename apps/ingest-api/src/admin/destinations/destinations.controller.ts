import { Body, Delete, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import { AdminController } from '../common/admin-controller.decorator';
import { UuidParam } from '../common/uuid-param';
import { CreateDestinationDto, PreviewDto, UpdateDestinationDto } from './destination.dto';
import { DestinationsService } from './destinations.service';

@AdminController('destinations')
export class DestinationsController {
  constructor(private readonly destinations: DestinationsService) {}

  @Post()
  create(@Body() dto: CreateDestinationDto) {
    return this.destinations.create(dto);
  }

  @Get()
  async list(@Query('includeArchived') includeArchived?: string) {
    return { destinations: await this.destinations.list(includeArchived === 'true') };
  }

  @Get(':id')
  get(@UuidParam('id') id: string) {
    return this.destinations.get(id);
  }

  @Patch(':id')
  update(@UuidParam('id') id: string, @Body() dto: UpdateDestinationDto) {
    return this.destinations.update(id, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  async remove(@UuidParam('id') id: string): Promise<void> {
    await this.destinations.remove(id);
  }

  /** Runs one event through this destination's configuration (or its draft `mappings`); nothing is sent. */
  @Post(':id/preview')
  @HttpCode(200)
  preview(@UuidParam('id') id: string, @Body() dto: PreviewDto) {
    return this.destinations.preview(id, dto.event, dto.mappings);
  }

  /** FullStory `GET /me` with the stored API key. */
  @Post(':id/test-connection')
  @HttpCode(200)
  testConnection(@UuidParam('id') id: string) {
    return this.destinations.testConnection(id);
  }
}
