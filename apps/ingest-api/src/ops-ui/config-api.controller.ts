import { Body, Controller, Delete, Get, Patch, Post, Query, Res, UseGuards } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { badRequest } from '../common/errors/app-error';
import { UuidParam } from '../admin/common/uuid-param';
import { relayAdminCall } from './config-forward';
import { SampleEvent, sampleEvents } from './config-queries';
import { OpsContext } from './ops-context.service';
import { OpsUiGuard } from './ops-ui.guard';

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

/**
 * The configuration pages' JSON routes (admin session, Bearer or Basic admin credentials): each relays to the
 * admin API route of the same shape, so the pages get the API's answers and errors unchanged. Only these routes
 * are relayed; ids are checked to be UUIDs before they reach a URL.
 */
@ApiExcludeController()
@Controller('admin/ui/api/config')
@UseGuards(OpsUiGuard)
export class ConfigApiController {
  constructor(
    private readonly ctx: OpsContext,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  @Get('sources')
  listSources(@Res() reply: FastifyReply) {
    return this.relay('GET', '/admin/sources', undefined, reply);
  }

  @Post('sources')
  createSource(@Body() body: unknown, @Res() reply: FastifyReply) {
    return this.relay('POST', '/admin/sources', body, reply);
  }

  @Patch('sources/:id')
  updateSource(@UuidParam('id') id: string, @Body() body: unknown, @Res() reply: FastifyReply) {
    return this.relay('PATCH', `/admin/sources/${id}`, body, reply);
  }

  @Post('sources/:id/rotate-write-key')
  rotate(@UuidParam('id') id: string, @Body() body: unknown, @Res() reply: FastifyReply) {
    return this.relay('POST', `/admin/sources/${id}/rotate-write-key`, body, reply);
  }

  @Get('destinations')
  listDestinations(@Res() reply: FastifyReply) {
    return this.relay('GET', '/admin/destinations', undefined, reply);
  }

  @Post('destinations')
  createDestination(@Body() body: unknown, @Res() reply: FastifyReply) {
    return this.relay('POST', '/admin/destinations', body, reply);
  }

  @Patch('destinations/:id')
  updateDestination(@UuidParam('id') id: string, @Body() body: unknown, @Res() reply: FastifyReply) {
    return this.relay('PATCH', `/admin/destinations/${id}`, body, reply);
  }

  @Post('destinations/:id/test-connection')
  testConnection(@UuidParam('id') id: string, @Res() reply: FastifyReply) {
    return this.relay('POST', `/admin/destinations/${id}/test-connection`, undefined, reply);
  }

  @Post('destinations/:id/preview')
  preview(@UuidParam('id') id: string, @Body() body: unknown, @Res() reply: FastifyReply) {
    return this.relay('POST', `/admin/destinations/${id}/preview`, body, reply);
  }

  @Post('destinations/:id/mappings')
  createMapping(@UuidParam('id') id: string, @Body() body: unknown, @Res() reply: FastifyReply) {
    return this.relay('POST', `/admin/destinations/${id}/mappings`, body, reply);
  }

  @Patch('destinations/:id/mappings/:mappingId')
  updateMapping(
    @UuidParam('id') id: string,
    @UuidParam('mappingId') mappingId: string,
    @Body() body: unknown,
    @Res() reply: FastifyReply,
  ) {
    return this.relay('PATCH', `/admin/destinations/${id}/mappings/${mappingId}`, body, reply);
  }

  @Delete('destinations/:id/mappings/:mappingId')
  deleteMapping(@UuidParam('id') id: string, @UuidParam('mappingId') mappingId: string, @Res() reply: FastifyReply) {
    return this.relay('DELETE', `/admin/destinations/${id}/mappings/${mappingId}`, undefined, reply);
  }

  /** Logged events to try a mapping on (newest, or by messageId / userId / anonymousId). */
  @Get('sample-events')
  async samples(@Query('q') q: unknown): Promise<{ events: SampleEvent[] }> {
    if (q !== undefined && (typeof q !== 'string' || q.length > 500)) {
      throw badRequest('invalid_request', '"q" must be a messageId or userId (at most 500 characters)');
    }
    const term = typeof q === 'string' && q.trim() !== '' ? q.trim() : null;
    return { events: await sampleEvents(this.ctx.pool, term) };
  }

  private relay(method: Method, url: string, body: unknown, reply: FastifyReply): Promise<void> {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    return relayAdminCall(fastify, this.ctx.config.adminToken, { method, url, body: body ?? undefined }, reply);
  }
}
