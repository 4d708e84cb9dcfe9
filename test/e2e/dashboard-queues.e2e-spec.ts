import { deliveryQueueName } from '@fsd/platform';
import { FakeFullStory, attemptsOf, deliveryQueue, waitForDeliveries } from '../support/delivery';
import { SeededPair } from '../support/seed';
import { StackEnv, basicAuth, postJson, waitFor } from '../support/stack';
import { useStack } from '../support/use-stack';

/**
 * The bull-board dashboard at /admin/queues on ingest-api: really behind the admin credentials
 * (page, JSON API and static assets), listing every destination queue, and a retry of a failed job
 * from it recorded in the audit trail as a redrive.
 */
describe('queue dashboard (/admin/queues)', () => {
  const stack = useStack('dashboard_queues');
  let env: StackEnv;
  let ingest: string;
  let fake: FakeFullStory;
  let bearer: { Authorization: string };
  let seeded: SeededPair;
  let queueName: string;
  // The spec's shorthands for the stack's parts (set once useStack's beforeAll has run).
  beforeAll(() => {
    ({ env, ingest, fake, seeded } = stack);
    bearer = { Authorization: `Bearer ${env.ADMIN_TOKEN}` };
    queueName = deliveryQueueName(seeded.destinationId);
  });

  const get = (path: string, headers: Record<string, string> = {}) => fetch(`${ingest}${path}`, { headers });

  it('refuses every dashboard path without admin credentials, asking browsers for Basic auth', async () => {
    const staticAsset = '/admin/queues/static/favicon-32x32.png';
    expect((await get(staticAsset, bearer)).status).toBe(200);
    for (const path of [
      '/admin/queues',
      '/admin/queues/',
      '/admin/queues/api/queues',
      `/admin/queues/api/queues/${queueName}/d1/logs`,
      staticAsset,
      '/admin/queues/static/js/does-not-exist.js',
    ]) {
      const res = await get(path);
      expect({ path, status: res.status }).toEqual({ path, status: 401 });
      expect(res.headers.get('www-authenticate')).toMatch(/^Basic realm="admin"/);
      expect(await res.text()).not.toContain('delivery-');
    }
    // Wrong credentials of every kind are refused too.
    for (const headers of <Record<string, string>[]>[
      { Authorization: 'Bearer wrong-token-wrong-token' },
      { Authorization: basicAuth('admin') },
      { Authorization: `Basic ${Buffer.from(`${env.ADMIN_TOKEN}:`).toString('base64')}` },
      { Cookie: 'fsd_admin_session=9999999999.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' },
    ]) {
      expect((await get('/admin/queues/api/queues', headers)).status).toBe(401);
    }
    const retry = await fetch(`${ingest}/admin/queues/api/queues/${queueName}/d1/retry`, { method: 'PUT' });
    expect(retry.status).toBe(401);
  });

  it('refuses the admin API and the ops UI without credentials too', async () => {
    for (const path of ['/admin/sources', '/admin/destinations', '/admin/ui/api/search?q=x']) {
      expect({ path, status: (await get(path)).status }).toEqual({ path, status: 401 });
    }
    const ui = await get('/admin/ui');
    expect(ui.status).toBe(401);
    expect(await ui.text()).not.toContain(seeded.destinationId);
  });

  it('serves the dashboard with Bearer or Basic (password = ADMIN_TOKEN) and lists the destination queue', async () => {
    const page = await get('/admin/queues', bearer);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('FullStory destination queues');
    const basic = { Authorization: `Basic ${Buffer.from(`ops:${env.ADMIN_TOKEN}`).toString('base64')}` };
    const listed = await waitFor('the destination queue on the dashboard', async () => {
      const res = await get('/admin/queues/api/queues', basic);
      expect(res.status).toBe(200);
      const body = (await res.json()) as { queues: { name: string }[] };
      return body.queues.some((q) => q.name === queueName) ? body : null;
    });
    // One destination, one queue.
    expect(listed.queues.map((q) => q.name)).toEqual([queueName]);
  });

  it('records a retry of a failed job from the dashboard as a redrive in the audit trail', async () => {
    await fake.fault({ match: { method: 'POST', path: '/v2/events' }, status: 400, times: 1 });
    const sent = await postJson(
      `${ingest}/v1/track`,
      { userId: 'user-redrive', event: 'Redriven', messageId: 'msg-dashboard-redrive' },
      { Authorization: basicAuth(seeded.writeKey) },
    );
    expect(sent.status).toBe(200);
    const [failed] = await waitForDeliveries(env, seeded.destinationId, 1, ['failed']);
    const jobId = `d${failed.id}`;
    const queue = deliveryQueue(env, seeded.destinationId);
    try {
      await waitFor('the job in the failed set', async () => (await queue.getJob(jobId))?.failedReason !== undefined);
      expect(await (await queue.getJob(jobId))?.getState()).toBe('failed');
    } finally {
      await queue.close();
    }

    const unauthenticated = await fetch(`${ingest}/admin/queues/api/queues/${queueName}/${jobId}/retry`, {
      method: 'PUT',
    });
    expect(unauthenticated.status).toBe(401);
    const retry = await fetch(`${ingest}/admin/queues/api/queues/${queueName}/${jobId}/retry`, {
      method: 'PUT',
      headers: bearer,
    });
    expect(retry.status).toBe(204);

    // The delivery is still `failed` until the worker has run the retried job: wait for its attempt.
    const attempts = await waitFor('the redrive attempt', async () => {
      const rows = await attemptsOf(env, failed.id);
      return rows.length >= 2 ? rows : null;
    });
    await waitForDeliveries(env, seeded.destinationId, 1, ['delivered']);
    expect(attempts.map((a) => [a.trigger, a.decision])).toEqual([
      ['auto', 'failed_permanently'],
      ['redrive', 'delivered'],
    ]);
    expect(attempts[1].response_status).toBe(200);
  });
});
