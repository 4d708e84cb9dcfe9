import { Body, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post } from '@nestjs/common';
import { AdminController } from '../common/admin-controller.decorator';
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
  async list() {
    return { destinations: await this.destinations.list() };
  }

  @Get(':id')
  get(@Param('id', ParseUUIDPipe) id: string) {
    return this.destinations.get(id);
  }

  @Patch(':id')
  update(@Param('id', ParseUUIDPipe) id: string, @Body() dto: UpdateDestinationDto) {
    return this.destinations.update(id, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  async remove(@Param('id', ParseUUIDPipe) id: string): Promise<void> {
    await this.destinations.remove(id);
  }

  /** Runs one event through this destination's configuration; nothing is sent. */
  @Post(':id/preview')
  @HttpCode(200)
  preview(@Param('id', ParseUUIDPipe) id: string, @Body() dto: PreviewDto) {
    return this.destinations.preview(id, dto.event);
  }

  /** FullStory `GET /me` with the stored API key. */
  @Post(':id/test-connection')
  @HttpCode(200)
  testConnection(@Param('id', ParseUUIDPipe) id: string) {
    return this.destinations.testConnection(id);
  }
}
