import type { Permission } from '../../auth/roles';

/**
 * What each change the queue dashboard (bull-board) offers needs, by `METHOD route` (the route as bull-board
 * registers it, after /admin/queues). Reads (GET/HEAD) need `ops.read` and are not listed.
 * - `dashboard.retry` (admin, operator): redrives and pause/resume — retrying, promoting, pausing, resuming; the
 *   worker re-reads the delivery row, so a retried job sends only what the row says is still due.
 * - `dashboard.manage` (admin): removing jobs or queues, concurrency, rate limits, job schedulers, a job's delay or
 *   priority.
 * - `never` (every role, admin too): adding a job and replacing a job's data. The queue carries ids, never
 *   payloads, and the delivery row is the truth: a job written by hand would put a payload on the queue and bypass
 *   the event log.
 * A change route missing here is refused to every role (`no_rule`), so a bull-board upgrade adding one stays shut
 * until it is classified.
 */
export type DashboardNeed = Extract<Permission, 'dashboard.retry' | 'dashboard.manage'> | 'never';

export interface DashboardAction {
  need: DashboardNeed;
  /** The admin audit log's action, after `dashboard.`. */
  action: string;
}

const Q = '/api/queues/:queueName';
const retry = (action: string): DashboardAction => ({ need: 'dashboard.retry', action });
const manage = (action: string): DashboardAction => ({ need: 'dashboard.manage', action });
const never = (action: string): DashboardAction => ({ need: 'never', action });

export const DASHBOARD_ACTIONS: Readonly<Record<string, DashboardAction>> = Object.freeze({
  'PUT /api/queues/pause': retry('pause'),
  'PUT /api/queues/resume': retry('resume'),
  [`PUT ${Q}/retry/:queueStatus`]: retry('retry'),
  [`PUT ${Q}/promote`]: retry('promote'),
  [`PUT ${Q}/pause`]: retry('pause'),
  [`PUT ${Q}/resume`]: retry('resume'),
  [`PUT ${Q}/:jobId/retry`]: retry('retry'),
  [`PUT ${Q}/:jobId/promote`]: retry('promote'),

  [`PUT ${Q}/clean/:queueStatus`]: manage('clean'),
  [`PUT ${Q}/:jobId/clean`]: manage('clean'),
  [`PUT ${Q}/:jobId/remove-unprocessed-children`]: manage('removeChildren'),
  [`PUT ${Q}/empty`]: manage('empty'),
  [`PUT ${Q}/obliterate`]: manage('obliterate'),
  [`PUT ${Q}/concurrency`]: manage('concurrency'),
  [`PUT ${Q}/rate-limit`]: manage('rateLimit'),
  [`PUT ${Q}/rate-limit/release`]: manage('rateLimitRelease'),
  [`PUT ${Q}/job-schedulers/:schedulerId/remove`]: manage('schedulerRemove'),
  [`PATCH ${Q}/job-schedulers/:schedulerId`]: manage('schedulerUpdate'),
  [`PUT ${Q}/job-schedulers/:schedulerId/run`]: manage('schedulerRun'),
  [`PATCH ${Q}/:jobId/delay`]: manage('delay'),
  [`PATCH ${Q}/:jobId/priority`]: manage('priority'),

  [`POST ${Q}/add`]: never('add'),
  [`PATCH ${Q}/:jobId/update-data`]: never('updateData'),
});

export function isRead(method: string): boolean {
  return method === 'GET' || method === 'HEAD';
}

/** The rule for a change route (`route` after /admin/queues), or undefined when it has none. Pure. */
export function dashboardAction(method: string, route: string): DashboardAction | undefined {
  return DASHBOARD_ACTIONS[`${method} ${route}`];
}
