import { Body, Delete, Get, Post, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { requirePrincipal } from '../../auth/principal';
import { RequirePermission } from '../../auth/require-permission.decorator';
import { AdminController } from '../common/admin-controller.decorator';
import { UuidParam } from '../common/uuid-param';
import { CreateTokenDto } from './token.dto';
import { TokensService } from './tokens.service';
import { Audited } from '../audit-log/audited.decorator';

/** Role tokens: created (the token shown once), listed without their secret, revoked. */
@AdminController('tokens')
export class TokensController {
  constructor(private readonly tokens: TokensService) {}

  /** 201 {id, token, name, role, ...}: the only time the token is shown. */
  @Post()
  @RequirePermission('tokens.manage', { unscopedOnly: true })
  @Audited({ action: 'token.create', targetType: 'token', id: { result: 'id' }, recordBody: true })
  create(@Body() dto: CreateTokenDto, @Req() req: FastifyRequest) {
    return this.tokens.create(dto, requirePrincipal(req));
  }

  @Get()
  @RequirePermission('tokens.manage', { unscopedOnly: true })
  list() {
    return this.tokens.list();
  }

  /** Stops the token within a second everywhere; sessions opened with it end too. */
  @Delete(':id')
  @RequirePermission('tokens.manage', { unscopedOnly: true })
  @Audited({ action: 'token.revoke', targetType: 'token', id: { param: 'id' } })
  revoke(@UuidParam('id') id: string) {
    return this.tokens.revoke(id);
  }
}
