import { OPERATORS, READERS, Row } from './matrix';

/**
 * The queue dashboard (bull-board at /admin/queues; its routes are plain Fastify routes behind one onRequest hook):
 * reading needs ops.read, changing anything dashboard.retry, and a limited token is refused (it shows every
 * destination's queue). Its actions run on the queue of a destination kept for them, whose queue is empty: a job
 * action reaching bull-board answers its own 404 for the job that does not exist.
 */
const QUEUE = ':queueName';
const JOB = 'matrix-no-such-job';
const SCHEDULER = 'matrix-no-such-scheduler';

/**
 * [method, path after /admin/queues, what bull-board answers the caller it admits, a body it accepts]. In this
 * order (rows run in turn): the queue is paused before it is obliterated, and resumed after.
 */
const TABLE: Array<[string, string, number, object?]> = [
  ['GET', '', 200],
  ['GET', '/metrics-history', 200],
  ['GET', '/job-schedulers', 200],
  ['GET', `/queue/${QUEUE}`, 200],
  ['GET', `/queue/${QUEUE}/:jobId`, 200],
  ['GET', '/static/*', 200],
  ['GET', '/api/redis/stats', 200],
  ['GET', '/api/queues', 200],
  ['GET', '/api/job-schedulers', 200],
  ['GET', `/api/queues/${QUEUE}/metrics`, 200],
  ['GET', `/api/queues/${QUEUE}/default-job-options`, 200],
  ['GET', `/api/queues/${QUEUE}/workers`, 200],
  ['GET', `/api/queues/${QUEUE}/rate-limit`, 200],
  ['GET', `/api/queues/${QUEUE}/job-data-schema`, 200],
  ['GET', `/api/queues/${QUEUE}/:jobId/logs`, 200],
  ['GET', `/api/queues/${QUEUE}/:jobId/flow`, 404],
  ['GET', `/api/queues/${QUEUE}/:jobId`, 404],
  ['PUT', '/api/queues/pause', 200],
  ['PUT', '/api/queues/resume', 200],
  ['POST', `/api/queues/${QUEUE}/add`, 200],
  ['PUT', `/api/queues/${QUEUE}/retry/:queueStatus`, 200],
  ['PUT', `/api/queues/${QUEUE}/promote`, 200],
  ['PUT', `/api/queues/${QUEUE}/clean/:queueStatus`, 200],
  ['PUT', `/api/queues/${QUEUE}/pause`, 200],
  ['PUT', `/api/queues/${QUEUE}/obliterate`, 200],
  ['PUT', `/api/queues/${QUEUE}/resume`, 200],
  ['PUT', `/api/queues/${QUEUE}/concurrency`, 200, { concurrency: 1 }],
  ['PUT', `/api/queues/${QUEUE}/rate-limit`, 200],
  ['PUT', `/api/queues/${QUEUE}/rate-limit/release`, 200],
  ['PUT', `/api/queues/${QUEUE}/empty`, 200],
  ['PUT', `/api/queues/${QUEUE}/job-schedulers/:schedulerId/remove`, 404],
  ['PATCH', `/api/queues/${QUEUE}/job-schedulers/:schedulerId`, 404, { every: 60_000 }],
  ['PUT', `/api/queues/${QUEUE}/job-schedulers/:schedulerId/run`, 404],
  ['PUT', `/api/queues/${QUEUE}/:jobId/retry`, 404],
  ['PUT', `/api/queues/${QUEUE}/:jobId/clean`, 404],
  ['PUT', `/api/queues/${QUEUE}/:jobId/promote`, 404],
  ['PATCH', `/api/queues/${QUEUE}/:jobId/update-data`, 404, { jobData: {} }],
  ['PATCH', `/api/queues/${QUEUE}/:jobId/delay`, 404, { runAt: 4_102_444_800_000 }],
  ['PATCH', `/api/queues/${QUEUE}/:jobId/priority`, 404, { priority: 1 }],
  ['PUT', `/api/queues/${QUEUE}/:jobId/remove-unprocessed-children`, 404],
];

export const DASHBOARD_ROUTES: Record<string, Row> = Object.fromEntries(
  TABLE.map(([method, template, success, body]) => [
    `${method} /admin/queues${template}`,
    {
      allowed: method === 'GET' ? READERS : OPERATORS,
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
