import { RunningApp, StackEnv, basicAuth, dropDatabase, eventsOfSource, stackEnv, startApp } from '../support/stack';
import { SeededPair, seedSourceAndDestination } from '../support/seed';
import { dropQueues } from '../support/delivery';

/**
 * OPERATOR_NETWORKS (default: loopback and the private ranges) keeps the admin API, /metrics and /docs away from
 * other addresses, while the tracking API and /health answer everyone. Ingest runs behind a "proxy" at 127.0.0.1
 * (TRUST_PROXY), so X-Forwarded-For sets the client's address.
 */
jest.setTimeout(60_000);

describe('operator routes only from the operator networks', () => {
  let env: StackEnv;
  let app: RunningApp;
  let seeded: SeededPair;
  let base: string;

  const get = (path: string, from: string | null, headers: Record<string, string> = {}) =>
    fetch(`${base}${path}`, { headers: { ...headers, ...(from ? { 'X-Forwarded-For': from } : {}) } });
  const admin = { Authorization: '' };

  beforeAll(async () => {
    env = stackEnv('operator_networks', { TRUST_PROXY: '127.0.0.1' });
    app = await startApp('ingest-api', env);
    seeded = await seedSourceAndDestination(env.DATABASE_URL, env.SECRETS_KEY);
    base = `http://127.0.0.1:${env.INGEST_PORT}`;
    admin.Authorization = `Bearer ${env.ADMIN_TOKEN}`;
  });

  afterAll(async () => {
    await app?.stop();
    await dropQueues(env);
    await dropDatabase(env.DATABASE_URL);
  });

  it.each([['/admin/destinations'], ['/metrics'], ['/docs-json'], ['/admin/ui'], ['/admin/queues']])(
    'refuses %s to a public address, with 403 network_not_allowed',
    async (path) => {
      const res = await get(path, '203.0.113.7', admin);
      expect(res.status).toBe(403);
      expect(await res.json()).toEqual({
        success: false,
        code: 'network_not_allowed',
        message: 'This address may not reach the operator routes (OPERATOR_NETWORKS)',
      });
    },
  );

  it('takes tracking calls and answers /health from that same public address', async () => {
    const track = await fetch(`${base}/v1/track`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        Authorization: basicAuth(seeded.writeKey),
        'X-Forwarded-For': '203.0.113.7',
      },
      body: JSON.stringify({ userId: 'u-networks', event: 'Networks Checked', messageId: 'm-networks-1' }),
    });
    expect(track.status).toBe(200);
    expect(await track.json()).toEqual({ success: true });
    expect(await eventsOfSource(env.DATABASE_URL, seeded.sourceId)).toBe(1);
    expect((await get('/health', '203.0.113.7')).status).toBe(200);
  });

  it('answers operators on a private forwarded address and on loopback', async () => {
    const list = await get('/admin/destinations', '10.2.3.4', admin);
    expect(list.status).toBe(200);
    const body = (await list.json()) as { destinations: Array<{ id: string }> };
    expect(body.destinations.map((d) => d.id)).toEqual([seeded.destinationId]);
    const metrics = await get('/metrics', null);
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toContain('fsd_ingest_');
  });
});
