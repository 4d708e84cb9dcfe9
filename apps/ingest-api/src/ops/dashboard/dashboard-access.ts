import { Principal, isScoped } from '../../auth/principal';
import { allows, rolesWith } from '../../auth/roles';
import { AppError } from '../../core/errors/app-error';
import { noRule, payloadOnQueue, permissionDenied, scopeTooNarrow } from '../../core/errors/auth-errors';
import { dashboardAction, isRead } from './dashboard-actions';

/**
 * Why the dashboard refuses this request, or null. `route` is the route bull-board registered (after
 * /admin/queues; null when none matched). It shows every destination's queue, so a limited token is refused
 * everything; reads need `ops.read`; a change needs what DASHBOARD_ACTIONS says, and one it does not list is refused
 * to every role. Pure.
 */
export function dashboardRefusal(p: Principal, method: string, route: string | null): AppError | null {
  if (!allows(p.role, 'ops.read')) return permissionDenied('ops.read', rolesWith('ops.read'));
  if (isScoped(p)) return scopeTooNarrow('use the queue dashboard (it shows every destination’s queue)');
  if (isRead(method)) return null;
  const rule = route === null ? undefined : dashboardAction(method, route);
  if (!rule) return noRule();
  if (rule.need === 'never') return payloadOnQueue();
  if (!allows(p.role, rule.need)) return permissionDenied(rule.need, rolesWith(rule.need));
  return null;
}
