import type { Principal } from '../../auth/principal';
import type { Role } from '../../auth/roles';
import { dashboardRefusal } from './dashboard-access';
import { DASHBOARD_ACTIONS, dashboardAction } from './dashboard-actions';

const token = (role: Role, destinationIds: string[] | null = null): Principal => ({
  tokenId: 't',
  name: 'n',
  role,
  sourceIds: null,
  destinationIds,
  expiresAt: null,
});

/** What each role is answered: null (admitted) or the refusal's code. */
type Answers = [admin: string | null, operator: string | null, auditor: string | null, privacy: string | null];
const READ: Answers = [null, null, null, 'forbidden'];
const REDRIVE: Answers = [null, null, 'forbidden', 'forbidden'];
const ADMIN: Answers = [null, 'forbidden', 'forbidden', 'forbidden'];
const NOBODY: Answers = ['queue_payload_refused', 'queue_payload_refused', 'queue_payload_refused', 'forbidden'];
const UNLISTED: Answers = ['no_rule', 'no_rule', 'no_rule', 'forbidden'];

const Q = '/api/queues/:queueName';
// Written out apart from DASHBOARD_ACTIONS: a change to either shows up here.
const CASES: Array<[method: string, route: string | null, answers: Answers, audited: string | null]> = [
  ['GET', '/', READ, null],
  ['GET', '/api/queues', READ, null],
  ['HEAD', '/api/queues', READ, null],
  ['GET', `${Q}/:jobId`, READ, null],
  ['GET', null, READ, null],
  ['PUT', '/api/queues/pause', REDRIVE, 'pause'],
  ['PUT', '/api/queues/resume', REDRIVE, 'resume'],
  ['PUT', `${Q}/retry/:queueStatus`, REDRIVE, 'retry'],
  ['PUT', `${Q}/promote`, REDRIVE, 'promote'],
  ['PUT', `${Q}/pause`, REDRIVE, 'pause'],
  ['PUT', `${Q}/resume`, REDRIVE, 'resume'],
  ['PUT', `${Q}/:jobId/retry`, REDRIVE, 'retry'],
  ['PUT', `${Q}/:jobId/promote`, REDRIVE, 'promote'],
  ['PUT', `${Q}/clean/:queueStatus`, ADMIN, 'clean'],
  ['PUT', `${Q}/:jobId/clean`, ADMIN, 'clean'],
  ['PUT', `${Q}/:jobId/remove-unprocessed-children`, ADMIN, 'removeChildren'],
  ['PUT', `${Q}/empty`, ADMIN, 'empty'],
  ['PUT', `${Q}/obliterate`, ADMIN, 'obliterate'],
  ['PUT', `${Q}/concurrency`, ADMIN, 'concurrency'],
  ['PUT', `${Q}/rate-limit`, ADMIN, 'rateLimit'],
  ['PUT', `${Q}/rate-limit/release`, ADMIN, 'rateLimitRelease'],
  ['PUT', `${Q}/job-schedulers/:schedulerId/remove`, ADMIN, 'schedulerRemove'],
  ['PATCH', `${Q}/job-schedulers/:schedulerId`, ADMIN, 'schedulerUpdate'],
  ['PUT', `${Q}/job-schedulers/:schedulerId/run`, ADMIN, 'schedulerRun'],
  ['PATCH', `${Q}/:jobId/delay`, ADMIN, 'delay'],
  ['PATCH', `${Q}/:jobId/priority`, ADMIN, 'priority'],
  ['POST', `${Q}/add`, NOBODY, 'add'],
  ['PATCH', `${Q}/:jobId/update-data`, NOBODY, 'updateData'],
  // A change bull-board may add in an upgrade, or none matched: shut until classified.
  ['POST', '/api/metrics/history/purge', UNLISTED, null],
  ['PUT', `${Q}/retry`, UNLISTED, null],
  ['PUT', null, UNLISTED, null],
];
const ROLES: Role[] = ['admin', 'operator', 'auditor', 'privacy'];

describe('dashboardRefusal', () => {
  const cases = CASES.flatMap(([method, route, answers]) =>
    ROLES.map((role, i) => ({ method, route, role, code: answers[i] })),
  );
  it.each(cases)('$role: $method $route -> $code', ({ method, route, role, code }) => {
    expect(dashboardRefusal(token(role), method, route)?.code ?? null).toBe(code);
  });

  it('refuses a limited token everything, reads too', () => {
    for (const [method, route] of [
      ['GET', '/api/queues'],
      ['PUT', `${Q}/:jobId/retry`],
    ]) {
      expect(dashboardRefusal(token('admin', ['d']), method, route)?.code).toBe('scope_too_narrow');
      expect(dashboardRefusal(token('operator', ['d']), method, route)?.code).toBe('scope_too_narrow');
    }
  });

  it('answers every refusal 403, and says why adding a job is refused', () => {
    const add = dashboardRefusal(token('admin'), 'POST', `${Q}/add`);
    expect(add?.status).toBe(403);
    expect(add?.message).toContain('payload on the queue and bypass the event log');
    expect(dashboardRefusal(token('auditor'), 'PUT', `${Q}/:jobId/retry`)?.status).toBe(403);
    expect(dashboardRefusal(token('operator'), 'PUT', `${Q}/empty`)?.status).toBe(403);
  });
});

describe('DASHBOARD_ACTIONS', () => {
  it('lists exactly the changes above, each with its audit action', () => {
    const listed = CASES.filter(([, , , audited]) => audited !== null).map(([method, route, , audited]) => [
      `${method} ${route}`,
      audited,
    ]);
    expect(Object.entries(DASHBOARD_ACTIONS).map(([key, rule]) => [key, rule.action])).toEqual(listed);
    expect(dashboardAction('PUT', `${Q}/:jobId/retry`)).toEqual({ need: 'dashboard.retry', action: 'retry' });
    expect(dashboardAction('GET', '/api/queues')).toBeUndefined();
  });
});
