import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { AppError } from '../core/errors/app-error';
import { AdminSessions } from './admin-sessions.service';

/** The ops UI's JSON routes: admin session cookie, Bearer ADMIN_TOKEN or Basic with it as password. */
@Injectable()
export class OpsUiGuard implements CanActivate {
  constructor(private readonly sessions: AdminSessions) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<FastifyRequest>();
    if (!(await this.sessions.authenticate(req.headers))) {
      throw new AppError(401, 'unauthorized', 'Log in at /admin/ui, or send Authorization: Bearer <ADMIN_TOKEN>');
    }
    return true;
  }
}
