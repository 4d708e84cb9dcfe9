import type { Queue } from 'bullmq';
import { deliveryQueueName } from '@fsd/platform';
import { adminClient } from '../support/admin-client';
import { deliveryQueue, dropQueues } from '../support/delivery';
import { seedSourceAndDestination } from '../support/seed';
import { RunningApp, dropDatabase, stackEnv, startApp, waitFor } from '../support/stack';

/**
 * The queue dashboard's actions on a queue holding jobs (no worker runs, so they stay put): every action a role is
 * refused answers 403 and leaves the queue exactly as it was (jobs, their data, delays and priorities, pause,
 * concurrency, rate limit, schedulers) and the audit log without a row; the actions a role is admitted to change
 * the queue and are recorded in the admin audit log.
 */
jest.setTimeout(120_000);

interface Audited {
  action: string;
  via: string;
  tokenName: string;
  targetType: string | null;
  targetId: string | null;
}

describe('queue dashboard actions by role', () => {
  const env = stackEnv('dashboard_actions');
  const apps: RunningApp[] = [];
  const base = `http://127.0.0.1:${env.INGEST_PORT}`;
  const call = adminClient(base);
  let queue: Queue;
  let name: string;
  let q: string;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    apps.push(await startApp('fake-fullstory', env));
    apps.push(await startApp('ingest-api', env));
    const seeded = await seedSourceAndDestination(env.DATABASE_URL, env.SECRETS_KEY);
    name = deliveryQueueName(seeded.destinationId);
    q = `/admin/queues/api/queues/${encodeURIComponent(name)}`;
    queue = deliveryQueue(env, seeded.destinationId);
    // Ids only, as ingest-api enqueues them: one waiting, one delayed by an hour.
    await queue.add('deliver', { deliveryId: '101' }, { jobId: 'd101' });
    await queue.add('deliver', { deliveryId: '102' }, { jobId: 'd102', delay: 3_600_000 });
    tokens.admin = env.ADMIN_TOKEN;
    for (const role of ['operator', 'auditor']) {
      const res = await call('POST', '/admin/tokens', env.ADMIN_TOKEN, { name: `Dash ${role}`, role });
      expect(res.status).toBe(201);
      tokens[role] = res.body.token as string;
    }
    const limited = await call('POST', '/admin/tokens', env.ADMIN_TOKEN, {
      name: 'Dash limited operator',
      role: 'operator',
      destinationIds: [seeded.destinationId],
    });
    tokens['limited operator'] = limited.body.token as string;
    // The dashboard lists the destination's queue (found from the destinations table).
    await waitFor('the queue on the dashboard', async () => {
      const res = await send('admin', 'GET', '/admin/queues/api/queues');
      return (res.body.queues as Array<{ name: string }> | undefined)?.some((x) => x.name === name) ?? false;
    });
  });

  afterAll(async () => {
    await queue?.close();
    for (const app of apps.reverse()) await app.stop();
    await dropQueues(env);
    await dropDatabase(env.DATABASE_URL);
  });

  const send = (who: string, method: string, path: string, body?: unknown) =>
    call(method, path, tokens[who], method === 'GET' ? undefined : (body ?? {}));

  async function snapshot() {
    const jobs = await queue.getJobs(['waiting', 'delayed', 'paused', 'prioritized', 'failed', 'completed']);
    return {
      counts: await queue.getJobCounts(),
      jobs: await Promise.all(
        jobs
          .sort((a, b) => String(a.id).localeCompare(String(b.id)))
          .map(async (j) => ({
            id: j.id,
            data: j.data,
            delay: j.delay,
            priority: j.priority,
            state: await j.getState(),
          })),
      ),
      paused: await queue.isPaused(),
      concurrency: await queue.getGlobalConcurrency(),
      rateLimit: await queue.getGlobalRateLimit(),
      schedulers: await queue.getJobSchedulersCount(),
    };
  }

  const dashboardEntries = async () => {
    const res = await call('GET', '/admin/audit-log?limit=100', env.ADMIN_TOKEN);
    expect(res.status).toBe(200);
    return (res.body.entries as Audited[]).filter((e) => e.via === 'dashboard');
  };

  it('refuses what a role may not do, and the queue and the audit log stay as they were', async () => {
    const before = await snapshot();
    expect(before.jobs.map((j) => [j.id, j.state])).toEqual([
      ['d101', 'waiting'],
      ['d102', 'delayed'],
    ]);
    const payload = { deliveryId: '101', body: { event: 'injected' } };
    const NOBODY = 'queue_payload_refused';
    const cases: Array<[who: string, method: string, path: string, body: unknown, code: string]> = [
      // Payloads on the queue: no one, admin included.
      ...['admin', 'operator', 'auditor'].flatMap((who): Array<[string, string, string, unknown, string]> => [
        [who, 'POST', `${q}/add`, { name: 'deliver', data: payload, options: {} }, NOBODY],
        [who, 'PATCH', `${q}/d101/update-data`, { jobData: payload }, NOBODY],
      ]),
      // Housekeeping: admin only.
      ...['operator', 'auditor'].flatMap((who): Array<[string, string, string, unknown, string]> => [
        [who, 'PUT', `${q}/clean/delayed`, {}, 'forbidden'],
        [who, 'PUT', `${q}/d101/clean`, {}, 'forbidden'],
        [who, 'PUT', `${q}/empty`, {}, 'forbidden'],
        [who, 'PUT', `${q}/obliterate`, { force: true }, 'forbidden'],
        [who, 'PUT', `${q}/concurrency`, { concurrency: 1 }, 'forbidden'],
        [who, 'PUT', `${q}/rate-limit`, { max: 1, duration: 1000 }, 'forbidden'],
        [who, 'PUT', `${q}/rate-limit/release`, {}, 'forbidden'],
        [who, 'PATCH', `${q}/d102/delay`, { runAt: Date.now() }, 'forbidden'],
        [who, 'PATCH', `${q}/d101/priority`, { priority: 5 }, 'forbidden'],
      ]),
      // Redrives and pause/resume: not for an auditor, nor for a token limited to some destinations.
      ...['auditor', 'limited operator'].flatMap((who): Array<[string, string, string, unknown, string]> => {
        const code = who === 'auditor' ? 'forbidden' : 'scope_too_narrow';
        return [
          [who, 'PUT', `${q}/promote`, {}, code],
          [who, 'PUT', `${q}/d102/promote`, {}, code],
          [who, 'PUT', `${q}/pause`, {}, code],
          [who, 'PUT', '/admin/queues/api/queues/pause', {}, code],
          [who, 'PUT', `${q}/retry/failed`, {}, code],
        ];
      }),
    ];
    const answers: string[] = [];
    for (const [who, method, path, body, code] of cases) {
      const res = await send(who, method, path, body);
      answers.push(`${who} ${method} ${path}: ${res.status} ${String(res.body.code)}`);
      expect(`${who} ${method} ${path}: ${res.status} ${String(res.body.code)}`).toBe(
        `${who} ${method} ${path}: 403 ${code}`,
      );
      // A payload refusal says why.
      expect(code !== NOBODY || String(res.body.message).includes('bypass the event log')).toBe(true);
      expect(await snapshot()).toEqual(before);
    }
    expect(answers).toHaveLength(2 * 3 + 9 * 2 + 5 * 2);
    expect(await dashboardEntries()).toEqual([]);
  });

  it('lets an operator redrive and pause, an admin clean and set limits, each recorded in the audit log', async () => {
    expect((await send('operator', 'PUT', `${q}/d102/promote`)).status).toBeLessThan(300);
    expect(await (await queue.getJob('d102'))?.getState()).toBe('waiting');
    expect((await send('operator', 'PUT', `${q}/pause`)).status).toBe(200);
    expect(await queue.isPaused()).toBe(true);
    expect((await send('operator', 'PUT', `${q}/resume`)).status).toBe(200);
    expect(await queue.isPaused()).toBe(false);
    expect((await send('admin', 'PUT', `${q}/concurrency`, { concurrency: 3 })).status).toBe(200);
    expect(await queue.getGlobalConcurrency()).toBe(3);
    expect((await send('admin', 'PUT', `${q}/d101/clean`)).status).toBeLessThan(300);
    expect(await queue.getJob('d101')).toBeUndefined();
    // The data of the job left is what ingest-api put there: ids only.
    expect((await queue.getJob('d102'))?.data).toEqual({ deliveryId: '102' });

    const entries = await waitFor('the five changes in the audit log', async () => {
      const list = await dashboardEntries();
      return list.length === 5 ? list : null;
    });
    // Each is appended once its answer is sent, so two in a row may land in either order: compared sorted.
    expect(entries.map((e) => [e.action, e.tokenName, e.targetType, e.targetId]).sort()).toEqual([
      ['dashboard.clean', 'ADMIN_TOKEN', 'queue', name],
      ['dashboard.concurrency', 'ADMIN_TOKEN', 'queue', name],
      ['dashboard.pause', 'Dash operator', 'queue', name],
      ['dashboard.promote', 'Dash operator', 'queue', name],
      ['dashboard.resume', 'Dash operator', 'queue', name],
    ]);
  });
});
