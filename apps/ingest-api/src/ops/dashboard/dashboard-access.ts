import { Principal, isScoped } from '../../auth/principal';
import { allows } from '../../auth/roles';

/**
 * Why the dashboard refuses this caller, or null. It shows every destination's queue, so a token limited to some
 * is refused; changing anything (retry, promote, clean, pause) needs `dashboard.retry`. Pure.
 */
export function dashboardRefusal(p: Principal, method: string): string | null {
  if (!allows(p.role, 'ops.read')) return `The role ${p.role} has no access to the queue dashboard`;
  if (isScoped(p)) return 'A token limited to some sources or destinations cannot use the queue dashboard';
  if (method !== 'GET' && method !== 'HEAD' && !allows(p.role, 'dashboard.retry')) {
    return `The role ${p.role} cannot change jobs (dashboard.retry: admin, operator)`;
  }
  return null;
}

const VERBS = ['retry', 'promote', 'clean', 'remove', 'pause', 'resume', 'empty', 'duplicate', 'update-data'];

/** What a dashboard API call did, from its path (`/api/queues/<q>/<job>/retry` → retry). Pure. */
export function dashboardVerb(path: string): string {
  return path.split('/').find((segment) => VERBS.includes(segment)) ?? 'change';
}
