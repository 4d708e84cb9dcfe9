import { ADMIN, OPERATORS, READERS, Role, Row } from './matrix';

/**
 * The queue dashboard (bull-board at /admin/queues; its routes are plain Fastify routes behind one onRequest hook):
 * reading is for admin, operator and auditor; redrives and pause/resume (retry, promote, pause, resume) for admin
 * and operator; removals, concurrency, rate limits, job schedulers, a job's delay or priority for admin; adding a
 * job or replacing its data for no one (they would put payloads on the queue); a limited token is refused
 * everything (it shows every destination's queue). Its actions run on the queue of a destination kept for them,
 * whose queue is empty: a job action reaching bull-board answers its own 404 for the job that does not exist. That a
 * refused action changes nothing is shown on a queue holding jobs, in dashboard-actions.e2e-spec.ts.
 */
const QUEUE = ':queueName';
const JOB = 'matrix-no-such-job';
const SCHEDULER = 'matrix-no-such-scheduler';

/**
 * [method, path after /admin/queues, who is admitted, what bull-board answers then, a body it accepts]. In this
 * order (rows run in turn): the queue is paused before it is obliterated, and resumed after.
 */
const NOBODY: Role[] = [];
const TABLE: Array<[string, string, Role[], number, object?]> = [
  ['GET', '', READERS, 200],
  ['GET', '/metrics-history', READERS, 200],
  ['GET', '/job-schedulers', READERS, 200],
  ['GET', `/queue/${QUEUE}`, READERS, 200],
  ['GET', `/queue/${QUEUE}/:jobId`, READERS, 200],
  ['GET', '/static/*', READERS, 200],
  ['GET', '/api/redis/stats', READERS, 200],
  ['GET', '/api/queues', READERS, 200],
  ['GET', '/api/job-schedulers', READERS, 200],
  ['GET', `/api/queues/${QUEUE}/metrics`, READERS, 200],
  ['GET', `/api/queues/${QUEUE}/default-job-options`, READERS, 200],
  ['GET', `/api/queues/${QUEUE}/workers`, READERS, 200],
  ['GET', `/api/queues/${QUEUE}/rate-limit`, READERS, 200],
  ['GET', `/api/queues/${QUEUE}/job-data-schema`, READERS, 200],
  ['GET', `/api/queues/${QUEUE}/:jobId/logs`, READERS, 200],
  ['GET', `/api/queues/${QUEUE}/:jobId/flow`, READERS, 404],
  ['GET', `/api/queues/${QUEUE}/:jobId`, READERS, 404],
  ['PUT', '/api/queues/pause', OPERATORS, 200],
  ['PUT', '/api/queues/resume', OPERATORS, 200],
  ['POST', `/api/queues/${QUEUE}/add`, NOBODY, 200],
  ['PUT', `/api/queues/${QUEUE}/retry/:queueStatus`, OPERATORS, 200],
  ['PUT', `/api/queues/${QUEUE}/promote`, OPERATORS, 200],
  ['PUT', `/api/queues/${QUEUE}/clean/:queueStatus`, ADMIN, 200],
  ['PUT', `/api/queues/${QUEUE}/pause`, OPERATORS, 200],
  ['PUT', `/api/queues/${QUEUE}/obliterate`, ADMIN, 200],
  ['PUT', `/api/queues/${QUEUE}/resume`, OPERATORS, 200],
  ['PUT', `/api/queues/${QUEUE}/concurrency`, ADMIN, 200, { concurrency: 1 }],
  ['PUT', `/api/queues/${QUEUE}/rate-limit`, ADMIN, 200],
  ['PUT', `/api/queues/${QUEUE}/rate-limit/release`, ADMIN, 200],
  ['PUT', `/api/queues/${QUEUE}/empty`, ADMIN, 200],
  ['PUT', `/api/queues/${QUEUE}/job-schedulers/:schedulerId/remove`, ADMIN, 404],
  ['PATCH', `/api/queues/${QUEUE}/job-schedulers/:schedulerId`, ADMIN, 404, { every: 60_000 }],
  ['PUT', `/api/queues/${QUEUE}/job-schedulers/:schedulerId/run`, ADMIN, 404],
  ['PUT', `/api/queues/${QUEUE}/:jobId/retry`, OPERATORS, 404],
  ['PUT', `/api/queues/${QUEUE}/:jobId/clean`, ADMIN, 404],
  ['PUT', `/api/queues/${QUEUE}/:jobId/promote`, OPERATORS, 404],
  ['PATCH', `/api/queues/${QUEUE}/:jobId/update-data`, NOBODY, 404, { jobData: {} }],
  ['PATCH', `/api/queues/${QUEUE}/:jobId/delay`, ADMIN, 404, { runAt: 4_102_444_800_000 }],
  ['PATCH', `/api/queues/${QUEUE}/:jobId/priority`, ADMIN, 404, { priority: 1 }],
  ['PUT', `/api/queues/${QUEUE}/:jobId/remove-unprocessed-children`, ADMIN, 404],
];

export const DASHBOARD_ROUTES: Record<string, Row> = Object.fromEntries(
  TABLE.map(([method, template, allowed, success, body]) => [
    `${method} /admin/queues${template}`,
    {
      allowed,
      success,
      scoping: 'unscoped',
      // Obliterating removes the queue's pause: pause it again before each, one at a time.
      serial: template.endsWith('/obliterate'),
      request: async (f, w, fresh) => {
        if (template.endsWith('/obliterate')) await fresh.pauseQueue();
        return {
          path: `/admin/queues${template}`
            .replace(QUEUE, f.queue.encoded)
            .replace(':jobId', JOB)
            .replace(':schedulerId', SCHEDULER)
            .replace(':queueStatus', 'failed')
            .replace('*', 'favicon.ico'),
          body: method === 'GET' ? undefined : (body ?? {}),
        };
      },
    } satisfies Row,
  ]),
);
