import { Body, Get, HttpCode, Param, Post, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { AdminController } from '../../admin/common/admin-controller.decorator';
import { CreateReplayDto } from './replay.dto';
import { ReplaysService } from './replays.service';

@AdminController('replays')
export class ReplaysController {
  constructor(private readonly replays: ReplaysService) {}

  /** A dry run answers 200 {dryRun, matched, sample}; a real run 202 with the replay. */
  @Post()
  async create(@Body() dto: CreateReplayDto, @Res({ passthrough: true }) reply: FastifyReply) {
    const result = await this.replays.create(dto);
    void reply.status(dto.dryRun ? 200 : 202);
    return result;
  }

  @Get()
  list() {
    return this.replays.list();
  }

  @Get(':id')
  get(@Param('id') id: string) {
    return this.replays.get(id);
  }

  @Post(':id/pause')
  @HttpCode(200)
  pause(@Param('id') id: string) {
    return this.replays.pause(id);
  }

  @Post(':id/resume')
  @HttpCode(200)
  resume(@Param('id') id: string) {
    return this.replays.resume(id);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  cancel(@Param('id') id: string) {
    return this.replays.cancel(id);
  }
}
