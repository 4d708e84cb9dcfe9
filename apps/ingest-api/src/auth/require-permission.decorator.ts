import { SetMetadata, applyDecorators } from '@nestjs/common';
import { ApiExtension, ApiForbiddenResponse } from '@nestjs/swagger';
import type { Permission } from './roles';
import { rolesWith } from './roles';
import type { RouteRule } from './route-rule';

export const ROUTE_RULE = 'fsd:routeRule';

/**
 * The role rule of one route: the permission it needs (the roles holding it come from roles.ts) and how a
 * scoped token is kept inside its sources and destinations. Shown in the OpenAPI document as `x-permission` and
 * `x-roles`. A route under /admin without it is refused to every token.
 */
export function RequirePermission(permission: Permission, scope: Omit<RouteRule, 'permission'> = {}): MethodDecorator {
  const rule: RouteRule = { permission, ...scope };
  const roles = rolesWith(permission);
  const alt = rule.alternative ? rolesWith(rule.alternative.permission).filter((r) => !roles.includes(r)) : [];
  return applyDecorators(
    SetMetadata(ROUTE_RULE, rule),
    ApiExtension('x-permission', permission),
    ApiExtension('x-roles', roles),
    ...(alt.length > 0 ? [ApiExtension('x-roles-when-narrow', { roles: alt, when: rule.alternative?.when })] : []),
    ApiForbiddenResponse({ description: `Needs ${permission}: role ${[...roles, ...alt].join(', ')}` }),
  );
}
