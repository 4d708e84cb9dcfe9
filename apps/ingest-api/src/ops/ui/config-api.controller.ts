import { Body, Controller, Delete, Get, Patch, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { requirePrincipal } from '../../auth/principal';
import { RequirePermission } from '../../auth/require-permission.decorator';
import { RoleGuard } from '../../auth/role.guard';
import { TokenResolver } from '../../auth/token-resolver.service';
import { badRequest } from '../../core/errors/app-error';
import { UuidParam } from '../../admin/common/uuid-param';
import { relayAdminCall } from './config-forward';
import { ConfigQueries, SampleEvent } from './config-queries.repository';
import { OpsUiGuard } from '../../auth/ops-ui.guard';

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
    private readonly queries: ConfigQueries,
    private readonly adapterHost: HttpAdapterHost,
    private readonly resolver: TokenResolver,
  ) {}

  @Get('sources')
  listSources(@Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.relay('GET', '/admin/sources', undefined, req, reply);
  }

  @Post('sources')
  createSource(@Body() body: unknown, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.relay('POST', '/admin/sources', body, req, reply);
  }

  @Patch('sources/:id')
  updateSource(
    @UuidParam('id') id: string,
    @Body() body: unknown,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    return this.relay('PATCH', `/admin/sources/${id}`, body, req, reply);
  }

  @Post('sources/:id/rotate-write-key')
  rotate(@UuidParam('id') id: string, @Body() body: unknown, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.relay('POST', `/admin/sources/${id}/rotate-write-key`, body, req, reply);
  }

  @Get('destinations')
  listDestinations(@Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.relay('GET', '/admin/destinations', undefined, req, reply);
  }

  @Post('destinations')
  createDestination(@Body() body: unknown, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.relay('POST', '/admin/destinations', body, req, reply);
  }

  @Patch('destinations/:id')
  updateDestination(
    @UuidParam('id') id: string,
    @Body() body: unknown,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    return this.relay('PATCH', `/admin/destinations/${id}`, body, req, reply);
  }

  @Post('destinations/:id/test-connection')
  testConnection(@UuidParam('id') id: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.relay('POST', `/admin/destinations/${id}/test-connection`, undefined, req, reply);
  }

  @Post('destinations/:id/preview')
  preview(@UuidParam('id') id: string, @Body() body: unknown, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.relay('POST', `/admin/destinations/${id}/preview`, body, req, reply);
  }

  @Post('destinations/:id/mappings')
  createMapping(
    @UuidParam('id') id: string,
    @Body() body: unknown,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    return this.relay('POST', `/admin/destinations/${id}/mappings`, body, req, reply);
  }

  @Patch('destinations/:id/mappings/:mappingId')
  updateMapping(
    @UuidParam('id') id: string,
    @UuidParam('mappingId') mappingId: string,
    @Body() body: unknown,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    return this.relay('PATCH', `/admin/destinations/${id}/mappings/${mappingId}`, body, req, reply);
  }

  @Delete('destinations/:id/mappings/:mappingId')
  deleteMapping(
    @UuidParam('id') id: string,
    @UuidParam('mappingId') mappingId: string,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    return this.relay('DELETE', `/admin/destinations/${id}/mappings/${mappingId}`, undefined, req, reply);
  }

  /** Logged events to try a mapping on (newest, or by messageId / userId / anonymousId). */
  @Get('sample-events')
  @UseGuards(RoleGuard)
  @RequirePermission('events.read', { eventData: true })
  async samples(@Query('q') q: unknown): Promise<{ events: SampleEvent[] }> {
    if (q !== undefined && (typeof q !== 'string' || q.length > 500)) {
      throw badRequest('invalid_request', '"q" must be a messageId or userId (at most 500 characters)');
    }
    const term = typeof q === 'string' && q.trim() !== '' ? q.trim() : null;
    return { events: await this.queries.sampleEvents(term) };
  }

  /** As the logged-in user: the admin API applies their role and scope and records them in the audit log. */
  private relay(method: Method, url: string, body: unknown, req: FastifyRequest, reply: FastifyReply): Promise<void> {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    const principal = requirePrincipal(req);
    const caller = { delegate: () => this.resolver.delegate(principal, 'ops-ui'), remoteAddress: req.ip };
    return relayAdminCall(fastify, caller, { method, url, body: body ?? undefined }, reply);
  }
}
