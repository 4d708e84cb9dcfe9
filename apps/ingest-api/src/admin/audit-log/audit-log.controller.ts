import { Get, Query } from '@nestjs/common';
import { badRequest } from '../../core/errors/app-error';
import { RequirePermission } from '../../auth/require-permission.decorator';
import { AdminController } from '../common/admin-controller.decorator';
import { AuditLogQueryDto } from './audit-log.dto';
import { AuditLogRepository } from './audit-log.repository';

/** GET /admin/audit-log: who changed what, oldest first, `?cursor=<next>` for the next page. */
@AdminController('audit-log')
export class AuditLogController {
  constructor(private readonly log: AuditLogRepository) {}

  @Get()
  @RequirePermission('auditLog.read', { unscopedOnly: true })
  list(@Query() q: AuditLogQueryDto) {
    const limit = q.limit === undefined ? 100 : Number(q.limit);
    if (limit < 1 || limit > 500) throw badRequest('invalid_request', 'limit must be an integer from 1 to 500');
    return this.log.list({ action: q.action, tokenId: q.tokenId, from: q.from, to: q.to, after: q.cursor, limit });
  }
}
