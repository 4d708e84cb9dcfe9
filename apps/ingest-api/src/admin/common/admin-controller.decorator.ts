import { Controller, UseGuards, UseInterceptors, UsePipes, applyDecorators } from '@nestjs/common';
import { RoleGuard } from '../../auth/role.guard';
import { AuditLogInterceptor } from '../audit-log/audit-log.interceptor';
import { ScopeListInterceptor } from '../../auth/scope-list.interceptor';
import { adminValidationPipe } from './admin-validation.pipe';

/**
 * A controller under /admin: a token whose role holds each route's permission (RequirePermission; a route
 * without one is refused), kept inside its scope; changes appended to the admin audit log (Audited); bodies
 * validated strictly.
 */
export function AdminController(path: string): ClassDecorator {
  return applyDecorators(
    Controller(`admin/${path}`),
    UseGuards(RoleGuard),
    UseInterceptors(ScopeListInterceptor, AuditLogInterceptor),
    UsePipes(adminValidationPipe),
  );
}
