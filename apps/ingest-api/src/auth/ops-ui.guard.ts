import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { AppError } from '../core/errors/app-error';
import { AdminSessions } from './admin-sessions.service';
import { attachPrincipal } from './principal';

/**
 * The ops UI's JSON routes: who is calling (session cookie, or a token as Bearer or Basic password). What they may
 * do is RoleGuard's, after this one, by each route's RequirePermission.
 */
@Injectable()
export class OpsUiGuard implements CanActivate {
  constructor(private readonly sessions: AdminSessions) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<FastifyRequest>();
    const access = await this.sessions.authenticate(req.headers);
    if (!access) {
      throw new AppError(401, 'unauthorized', 'Log in at /admin/ui, or send Authorization: Bearer <token>');
    }
    attachPrincipal(req, access.principal, 'ops-ui');
    return true;
  }
}
