import { Body, Delete, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import { AdminController } from '../common/admin-controller.decorator';
import { BodyFieldAsSent } from '../common/body-field-as-sent';
import { UuidParam } from '../common/uuid-param';
import { withMappingsAsSent } from '../mappings/mapping-as-sent';
import { CreateDestinationDto, PreviewDto, UpdateDestinationDto } from './destination.dto';
import { DestinationConnectionService } from './destination-connection.service';
import { DestinationsService } from './destinations.service';
import { RequirePermission } from '../../auth/require-permission.decorator';
import { Audited } from '../audit-log/audited.decorator';

/**
 * The DTOs validate the bodies; free-form JSON the mapping engine reads (each mapping's `mapping`, the preview's
 * event) is taken as sent, own `__proto__`, `constructor` and `prototype` keys included, which the validation pipe
 * strips: the CLI and the worker see them.
 */
@AdminController('destinations')
export class DestinationsController {
  constructor(
    private readonly destinations: DestinationsService,
    private readonly connection: DestinationConnectionService,
  ) {}

  @Post()
  @RequirePermission('config.write', { unscopedOnly: true })
  @Audited({ action: 'destination.create', targetType: 'destination', snapshot: 'destinations', id: { result: 'id' } })
  create(@Body() dto: CreateDestinationDto, @BodyFieldAsSent('mappings') mappings: unknown) {
    return this.destinations.create(withMappingsAsSent(dto, mappings));
  }

  @Get()
  @RequirePermission('config.read', { list: { key: 'destinations', destination: 'id' } })
  async list(@Query('includeArchived') includeArchived?: string) {
    return { destinations: await this.destinations.list(includeArchived === 'true') };
  }

  @Get(':id')
  @RequirePermission('config.read', { params: { id: 'destination' } })
  get(@UuidParam('id') id: string) {
    return this.destinations.get(id);
  }

  @Patch(':id')
  @RequirePermission('config.write', {
    params: { id: 'destination' },
    alternative: { permission: 'config.enable', when: 'onlyEnabled' },
  })
  @Audited({ action: 'destination.update', targetType: 'destination', snapshot: 'destinations', id: { param: 'id' } })
  update(
    @UuidParam('id') id: string,
    @Body() dto: UpdateDestinationDto,
    @BodyFieldAsSent('mappings') mappings: unknown,
  ) {
    return this.destinations.update(id, withMappingsAsSent(dto, mappings));
  }

  @Delete(':id')
  @HttpCode(204)
  @RequirePermission('config.write', { params: { id: 'destination' } })
  @Audited({ action: 'destination.archive', targetType: 'destination', snapshot: 'destinations', id: { param: 'id' } })
  async remove(@UuidParam('id') id: string): Promise<void> {
    await this.destinations.remove(id);
  }

  /** Runs one event through this destination's configuration (or its draft `mappings`); nothing is sent. */
  @Post(':id/preview')
  @HttpCode(200)
  @RequirePermission('config.read', { params: { id: 'destination' } })
  preview(
    @UuidParam('id') id: string,
    @Body() dto: PreviewDto,
    @BodyFieldAsSent('event') event: Record<string, unknown> | undefined,
    @BodyFieldAsSent('mappings') mappings: unknown,
  ) {
    return this.connection.preview(id, event ?? dto.event, withMappingsAsSent(dto, mappings).mappings);
  }

  /** FullStory `GET /me` with the stored API key. */
  @Post(':id/test-connection')
  @HttpCode(200)
  @RequirePermission('destinations.testConnection', { params: { id: 'destination' } })
  testConnection(@UuidParam('id') id: string) {
    return this.connection.testConnection(id);
  }
}
