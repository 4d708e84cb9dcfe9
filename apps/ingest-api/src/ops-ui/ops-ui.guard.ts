import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { AppError } from '../common/errors/app-error';
import { attachPrincipal } from '../auth/principal';
import { OpsContext } from './ops-context.service';

/**
 * The ops UI's JSON routes: who is calling (session cookie, or a token as Bearer or Basic password). What they may
 * do is RoleGuard's, after this one, by each route's RequirePermission.
 */
@Injectable()
export class OpsUiGuard implements CanActivate {
  constructor(private readonly ctx: OpsContext) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<FastifyRequest>();
    const access = await this.ctx.sessions.authenticate(req.headers);
    if (!access) {
      throw new AppError(401, 'unauthorized', 'Log in at /admin/ui, or send Authorization: Bearer <token>');
    }
    attachPrincipal(req, access.principal, 'ops-ui');
    return true;
  }
}
