import { Body, Get, HttpCode, Param, Post, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { AdminController } from '../../admin/common/admin-controller.decorator';
import { CreateReplayDto } from './replay.dto';
import { ReplaysService } from './replays.service';
import { RequirePermission } from '../../auth/require-permission.decorator';
import { Audited } from '../../admin/audit-log/audited.decorator';

@AdminController('replays')
export class ReplaysController {
  constructor(private readonly replays: ReplaysService) {}

  /** A dry run answers 200 {dryRun, matched, sample}; a real run 202 with the replay. */
  @Post()
  @RequirePermission('replays.write', {
    body: { destinationId: 'destination' },
    bodyLists: { 'filter.sourceIds': 'source' },
    sourcesConnectedTo: 'destinationId',
    eventData: true,
  })
  @Audited({ action: 'replay.create', targetType: 'replay', id: { result: 'id' }, recordBody: true, skipDryRun: true })
  async create(@Body() dto: CreateReplayDto, @Res({ passthrough: true }) reply: FastifyReply) {
    const result = await this.replays.create(dto);
    void reply.status(dto.dryRun ? 200 : 202);
    return result;
  }

  @Get()
  @RequirePermission('replays.read', {
    list: { key: 'replays', destination: 'destinationId', source: 'filter.sourceIds' },
  })
  list() {
    return this.replays.list();
  }

  @Get(':id')
  @RequirePermission('replays.read', { params: { id: 'replay' } })
  get(@Param('id') id: string) {
    return this.replays.get(id);
  }

  @Post(':id/pause')
  @HttpCode(200)
  @RequirePermission('replays.write', { params: { id: 'replay' } })
  @Audited({ action: 'replay.pause', targetType: 'replay', id: { param: 'id' } })
  pause(@Param('id') id: string) {
    return this.replays.pause(id);
  }

  @Post(':id/resume')
  @HttpCode(200)
  @RequirePermission('replays.write', { params: { id: 'replay' } })
  @Audited({ action: 'replay.resume', targetType: 'replay', id: { param: 'id' } })
  resume(@Param('id') id: string) {
    return this.replays.resume(id);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @RequirePermission('replays.write', { params: { id: 'replay' } })
  @Audited({ action: 'replay.cancel', targetType: 'replay', id: { param: 'id' } })
  cancel(@Param('id') id: string) {
    return this.replays.cancel(id);
  }
}
