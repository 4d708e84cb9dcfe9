import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { safeEqual } from '@fsd/platform';
import { AppError } from '../core/errors/app-error';
import { INGEST_CONFIG, IngestConfig } from '../core/config/ingest.config';

const UNAUTHORIZED_MESSAGE = 'A valid admin token is required: Authorization: Bearer <ADMIN_TOKEN>';

/** Every /admin route: `Authorization: Bearer <ADMIN_TOKEN>`, compared in constant time. */
@Injectable()
export class AdminTokenGuard implements CanActivate {
  constructor(@Inject(INGEST_CONFIG) private readonly config: IngestConfig) {}

  canActivate(context: ExecutionContext): boolean {
    const header = context.switchToHttp().getRequest<FastifyRequest>().headers.authorization;
    const match = typeof header === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(header.trim()) : null;
    const expected = this.config.adminToken;
    if (!match || expected.length === 0 || !safeEqual(match[1], expected)) {
      throw new AppError(401, 'unauthorized', UNAUTHORIZED_MESSAGE, { 'WWW-Authenticate': 'Bearer' });
    }
    return true;
  }
}
