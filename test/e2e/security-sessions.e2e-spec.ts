import { RunningApp, StackEnv, dropDatabase, stackEnv, startApp } from '../support/stack';

/**
 * Issue 17 item 4: operations-page sessions end server-side: a cookie copied before logout or revocation stops
 * working at once (not 12 h later), on the operations page's API and the queue dashboard alike.
 */
jest.setTimeout(120_000);

let env: StackEnv;
let ingest: RunningApp;
let base: string;

async function login(): Promise<string> {
  const res = await fetch(`${base}/admin/ui/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ token: env.ADMIN_TOKEN }),
  });
  expect(res.status).toBe(204);
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0];
  expect(cookie).toMatch(/^fsd_admin_session=\d+\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$/);
  return cookie;
}

async function statusWith(cookie: string, path = '/admin/ui/api/overview'): Promise<number> {
  const res = await fetch(`${base}${path}`, { headers: { Cookie: cookie } });
  await res.arrayBuffer();
  return res.status;
}

beforeAll(async () => {
  env = stackEnv('security_sessions');
  ingest = await startApp('ingest-api', env);
  base = `http://127.0.0.1:${ingest.port}`;
});

afterAll(async () => {
  await ingest.stop();
  await dropDatabase(env.DATABASE_URL);
});

it('logout ends the session server-side: the old cookie no longer opens anything', async () => {
  const cookie = await login();
  expect(await statusWith(cookie)).toBe(200);
  expect(await statusWith(cookie, '/admin/queues/api/queues')).toBe(200);
  const out = await fetch(`${base}/admin/ui/logout`, { method: 'POST', headers: { Cookie: cookie } });
  expect(out.status).toBe(204);
  expect(out.headers.get('set-cookie')).toContain('Max-Age=0');
  expect(await statusWith(cookie)).toBe(401);
  expect(await statusWith(cookie, '/admin/queues/api/queues')).toBe(401);
});

it('revocation ends every session; Bearer keeps working', async () => {
  const a = await login();
  const b = await login();
  expect([await statusWith(a), await statusWith(b)]).toEqual([200, 200]);
  const res = await fetch(`${base}/admin/ui/sessions/revoke`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${env.ADMIN_TOKEN}` },
  });
  expect(res.status).toBe(201);
  expect(await res.json()).toEqual({ revoked: 2 });
  expect([await statusWith(a), await statusWith(b)]).toEqual([401, 401]);
  const bearer = await fetch(`${base}/admin/ui/api/overview`, {
    headers: { Authorization: `Bearer ${env.ADMIN_TOKEN}` },
  });
  expect(bearer.status).toBe(200);
});

it('a cookie with a forged MAC or a session id never issued is refused', async () => {
  const cookie = await login();
  const [, value] = cookie.split('=');
  const [expiry, id, mac] = value.split('.');
  const otherId = `${id.slice(0, -1)}${id.endsWith('A') ? 'B' : 'A'}`;
  expect(await statusWith(`fsd_admin_session=${expiry}.${otherId}.${mac}`)).toBe(401);
  expect(
    await statusWith(`fsd_admin_session=${expiry}.${id}.${mac.slice(0, -1)}${mac.endsWith('A') ? 'B' : 'A'}`),
  ).toBe(401);
  expect(await statusWith(cookie)).toBe(200);
});
