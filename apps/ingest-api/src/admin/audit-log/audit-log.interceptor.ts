import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { Observable, concatMap, from, switchMap } from 'rxjs';
import { principalOf, viaOf } from '../../auth/principal';
import { AUDIT_SPEC, AuditSpec } from './audited.decorator';
import { AuditLogRepository } from './audit-log.repository';
import { configDiff, maskSecrets } from './config-diff';
import { ConfigSnapshots } from './config-snapshots.repository';

function field(obj: unknown, name: string | undefined): string | null {
  if (!name || typeof obj !== 'object' || obj === null) return null;
  const v = (obj as Record<string, unknown>)[name];
  return typeof v === 'string' || typeof v === 'number' ? String(v) : null;
}

/**
 * Appends one row to the admin audit log for each successful change made through a route marked Audited: who
 * (the token RoleGuard found), from where (the socket address, or the client a trusted proxy names), what, and
 * for configuration the before/after diff. A change whose row cannot be written answers an error.
 */
@Injectable()
export class AuditLogInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly log: AuditLogRepository,
    private readonly snapshots: ConfigSnapshots,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const spec = this.reflector.get<AuditSpec | undefined>(AUDIT_SPEC, context.getHandler());
    const req = context.switchToHttp().getRequest<FastifyRequest>();
    if (!spec) return next.handle();
    if (spec.skipDryRun && (req.body as { dryRun?: unknown } | null)?.dryRun === true) return next.handle();
    const params = req.params as Record<string, string>;
    const idBefore = field(params, spec.id?.param) ?? field(req.body, spec.id?.body);
    const before = spec.snapshot ? this.snapshots.of(spec.snapshot, idBefore) : Promise.resolve(null);
    return from(before).pipe(
      switchMap((snapshotBefore) =>
        next.handle().pipe(
          concatMap(async (result: unknown) => {
            await this.record(spec, req, idBefore ?? field(result, spec.id?.result), snapshotBefore);
            return result;
          }),
        ),
      ),
    );
  }

  private async record(
    spec: AuditSpec,
    req: FastifyRequest,
    targetId: string | null,
    before: Record<string, unknown> | null,
  ): Promise<void> {
    const principal = principalOf(req);
    if (!principal) throw new Error('an audited route must be behind RoleGuard');
    const details: Record<string, unknown> = {};
    if (spec.snapshot) details.diff = configDiff(before, await this.snapshots.of(spec.snapshot, targetId));
    if (spec.recordBody && req.body !== undefined) details.request = maskSecrets(req.body);
    await this.log.append({
      tokenId: principal.tokenId,
      tokenName: principal.name,
      clientAddress: req.ip,
      via: viaOf(req),
      action: spec.action,
      targetType: spec.targetType,
      targetId,
      details: Object.keys(details).length > 0 ? details : null,
    });
  }
}
