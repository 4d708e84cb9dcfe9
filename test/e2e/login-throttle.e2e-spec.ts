import { request } from 'http';
import { RunningApp, StackEnv, dropDatabase, freePort, stackEnv, startApp } from '../support/stack';
import { dropQueues } from '../support/delivery';

/**
 * Issue 16, item 3: the admin login throttle is keyed on an address a header cannot change. By default
 * (no TRUST_PROXY) `req.ip` is the socket's peer, so X-Forwarded-For resets nothing; with TRUST_PROXY
 * naming the proxy, the forwarded address is the key. The queue dashboard's Basic/Bearer prompt counts
 * wrong tokens against the same throttle, and the budget is kept in Redis, so two ingest processes share it.
 * Clients connect from distinct loopback addresses (127.0.0.x, all routed to `lo` on Linux) so each case starts
 * with a fresh budget.
 */
jest.setTimeout(90_000);

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function send(
  port: string,
  from: string,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: unknown,
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = request(
      {
        host: '127.0.0.1',
        port: Number(port),
        localAddress: from,
        method,
        path,
        headers: { ...headers, ...(payload ? { 'Content-Type': 'application/json' } : {}) },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

const basic = (password: string) => ({ Authorization: `Basic ${Buffer.from(`ops:${password}`).toString('base64')}` });

describe('admin login throttles that a header cannot reset', () => {
  let env: StackEnv;
  let proxied: StackEnv;
  const apps: RunningApp[] = [];

  const login = (e: StackEnv, from: string, token: string, headers: Record<string, string> = {}) =>
    send(e.INGEST_PORT, from, 'POST', '/admin/ui/login', headers, { token });

  beforeAll(async () => {
    env = stackEnv('login_throttle');
    // A second instance on the same database and Redis, behind a "proxy" at 127.0.0.1.
    // Its clients' forwarded addresses are public ones (203.0.113.x), listed as operator networks.
    proxied = {
      ...env,
      INGEST_PORT: String(freePort()),
      TRUST_PROXY: '127.0.0.1',
      OPERATOR_NETWORKS: 'private,203.0.113.0/24',
    };
    apps.push(await startApp('ingest-api', env));
    apps.push(await startApp('ingest-api', proxied));
  });

  afterAll(async () => {
    for (const app of apps.reverse()) await app.stop();
    await dropQueues(env);
    await dropDatabase(env.DATABASE_URL);
  });

  it('by default, a new X-Forwarded-For per attempt does not reset the ops login throttle', async () => {
    for (let i = 0; i < 5; i++) {
      const res = await login(env, '127.0.0.2', `wrong-token-${i}`, { 'X-Forwarded-For': `198.51.100.${i}` });
      expect(res.status).toBe(401);
    }
    const locked = await login(env, '127.0.0.2', env.ADMIN_TOKEN, { 'X-Forwarded-For': '198.51.100.99' });
    expect(locked.status).toBe(429);
    expect(Number(locked.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(locked.headers['retry-after'])).toBeLessThanOrEqual(60);
    // Another client address is not locked out.
    expect((await login(env, '127.0.0.3', env.ADMIN_TOKEN)).status).toBe(204);
  });

  it('with TRUST_PROXY=127.0.0.1, the address the proxy forwards is the key', async () => {
    for (let i = 0; i < 5; i++) {
      const res = await login(proxied, '127.0.0.1', `wrong-token-${i}`, { 'X-Forwarded-For': '203.0.113.7' });
      expect(res.status).toBe(401);
    }
    const locked = await login(proxied, '127.0.0.1', proxied.ADMIN_TOKEN, { 'X-Forwarded-For': '203.0.113.7' });
    expect(locked.status).toBe(429);
    expect(JSON.parse(locked.body)).toMatchObject({ success: false, code: 'rate_limited' });
    // Another client behind the same proxy logs in.
    const other = await login(proxied, '127.0.0.1', proxied.ADMIN_TOKEN, { 'X-Forwarded-For': '203.0.113.8' });
    expect(other.status).toBe(204);
    // A peer that is not the named proxy cannot borrow the locked address, nor is it locked by it.
    // (Not 127.0.0.2: the first case locked it, at the other process, and the budget is shared.)
    const untrusted = await login(proxied, '127.0.0.8', proxied.ADMIN_TOKEN, { 'X-Forwarded-For': '203.0.113.7' });
    expect(untrusted.status).toBe(204);
  });

  it('two ingest processes share one budget per address (kept in Redis), for the ops login and the dashboard', async () => {
    // `proxied` trusts only 127.0.0.1: a client at 127.0.0.6 is keyed on its socket address by both processes.
    for (let i = 0; i < 3; i++) expect((await login(env, '127.0.0.6', `wrong-token-${i}`)).status).toBe(401);
    const wrongBasic = await send(proxied.INGEST_PORT, '127.0.0.6', 'GET', '/admin/queues', basic('wrong-token-3'));
    expect(wrongBasic.status).toBe(401);
    expect((await login(proxied, '127.0.0.6', 'wrong-token-4')).status).toBe(401);
    // Five wrong tokens in all, none more than three at one process: both refuse the right one now.
    expect((await login(env, '127.0.0.6', env.ADMIN_TOKEN)).status).toBe(429);
    expect((await login(proxied, '127.0.0.6', proxied.ADMIN_TOKEN)).status).toBe(429);
    const dashboard = await send(proxied.INGEST_PORT, '127.0.0.6', 'GET', '/admin/queues', basic(env.ADMIN_TOKEN));
    expect(dashboard.status).toBe(429);
    // The address next door, at either process, still gets in.
    expect((await login(proxied, '127.0.0.7', proxied.ADMIN_TOKEN)).status).toBe(204);
  });

  it('the queue dashboard answers 429 after five wrong Basic logins from one address, sharing the budget', async () => {
    // A browser's first request carries no credentials: it is asked for them, and that is not a guess.
    for (let i = 0; i < 3; i++)
      expect((await send(env.INGEST_PORT, '127.0.0.4', 'GET', '/admin/queues')).status).toBe(401);
    for (let i = 0; i < 5; i++) {
      const res = await send(env.INGEST_PORT, '127.0.0.4', 'GET', '/admin/queues', basic(`wrong-token-${i}`));
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toMatch(/^Basic realm="admin"/);
    }
    const locked = await send(env.INGEST_PORT, '127.0.0.4', 'GET', '/admin/queues', basic(env.ADMIN_TOKEN));
    expect(locked.status).toBe(429);
    expect(Number(locked.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(locked.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect(JSON.parse(locked.body)).toMatchObject({ success: false, code: 'rate_limited' });
    const bearer = { Authorization: `Bearer ${env.ADMIN_TOKEN}` };
    expect((await send(env.INGEST_PORT, '127.0.0.4', 'GET', '/admin/queues/api/queues', bearer)).status).toBe(429);
    // One budget for both doors: the ops login from that address is locked too.
    expect((await login(env, '127.0.0.4', env.ADMIN_TOKEN)).status).toBe(429);
    // Another address still gets in.
    const page = await send(env.INGEST_PORT, '127.0.0.5', 'GET', '/admin/queues', basic(env.ADMIN_TOKEN));
    expect(page.status).toBe(200);
    expect(page.body).toContain('FullStory destination queues');
  });
});
