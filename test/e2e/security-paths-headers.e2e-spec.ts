import { addMapping, seedSourceAndDestination } from '../support/seed';
import { FakeFullStory } from '../support/delivery';
import { RunningApp, StackEnv, basicAuth, dropDatabase, postJson, stackEnv, startApp, waitFor } from '../support/stack';

/**
 * Issue 17 item 4 (part): a user id of `.` or `..` stays a user id on the wire, and every answer carries the
 * security headers (JSON, HTML, text, errors, bull-board, /docs), on the real built apps.
 */
jest.setTimeout(120_000);

let env: StackEnv;
const apps: RunningApp[] = [];
let fake: FakeFullStory;
let ingest: string;
let worker: string;

beforeAll(async () => {
  env = stackEnv('security_paths');
  apps.push(await startApp('fake-fullstory', env));
  apps.push(await startApp('ingest-api', env));
  apps.push(await startApp('delivery-worker', env));
  fake = new FakeFullStory(env.FULLSTORY_BASE_URL);
  ingest = `http://127.0.0.1:${env.INGEST_PORT}`;
  worker = `http://127.0.0.1:${env.WORKER_PORT}`;
});

afterAll(async () => {
  for (const app of apps.reverse()) await app.stop();
  await dropDatabase(env.DATABASE_URL);
});

it.each([
  ['..', '/users/v1/individual/%2E%2E/customevent'],
  ['.', '/users/v1/individual/%2E/customevent'],
])('a v1 request for user id %j goes to %s, not to a collapsed path', async (userId, path) => {
  const seeded = await seedSourceAndDestination(env.DATABASE_URL, env.SECRETS_KEY, {
    presets: { trackEvent: false, identifyUser: false },
  });
  await addMapping(env.DATABASE_URL, seeded.destinationId, {
    name: 'v1 track',
    trigger: 'type = "track"',
    action: 'trackEvent',
    mapping: { userId: { '@path': '$.userId' }, name: { '@path': '$.event' }, properties: { '@path': '$.properties' } },
  });
  await fake.reset();
  const res = await postJson(
    `${ingest}/v1/track`,
    { userId, event: 'Dots', properties: {}, messageId: `m-dots-${userId.length}` },
    { Authorization: basicAuth(seeded.writeKey) },
  );
  expect(res.status).toBe(200);
  const requests = await waitFor('the v1 request', async () => {
    const all = await fake.requests({ method: 'POST', path: '/users/v1/*' });
    return all.length > 0 && all;
  });
  expect(requests.map((r) => r.path)).toEqual([path]);
});

describe('security headers', () => {
  const expected = {
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
  };

  const bearer = (): Record<string, string> => ({ Authorization: `Bearer ${env.ADMIN_TOKEN}` });
  const none = (): Record<string, string> => ({});

  it.each([
    ['ingest JSON (tracking error)', () => `${ingest}/v1/track`, 'POST', none, 'json'],
    ['ingest health', () => `${ingest}/health`, 'GET', none, 'json'],
    ['ingest 404', () => `${ingest}/nowhere`, 'GET', none, 'json'],
    ['ingest /docs (HTML)', () => `${ingest}/docs`, 'GET', none, 'html'],
    ['ingest /docs-json', () => `${ingest}/docs-json`, 'GET', none, 'json'],
    ['bull-board (unauthenticated)', () => `${ingest}/admin/queues`, 'GET', none, 'json'],
    ['bull-board page (HTML)', () => `${ingest}/admin/queues`, 'GET', bearer, 'html'],
    ['bull-board API', () => `${ingest}/admin/queues/api/queues`, 'GET', bearer, 'json'],
    ['operations page (HTML)', () => `${ingest}/admin/ui`, 'GET', none, 'html'],
    ['admin API', () => `${ingest}/admin/sources`, 'GET', none, 'json'],
    ['admin API (authenticated)', () => `${ingest}/admin/sources`, 'GET', bearer, 'json'],
    ['worker health', () => `${worker}/health`, 'GET', none, 'json'],
    ['worker metrics', () => `${worker}/metrics`, 'GET', none, 'text'],
  ])('on %s', async (_what, url, method, headers, kind) => {
    const res = await fetch(url(), { method, headers: headers(), redirect: 'manual' });
    await res.arrayBuffer();
    expect(res.headers.get('content-type')).toContain(
      { json: 'application/json', html: 'text/html', text: 'text/plain' }[kind],
    );
    for (const [name, value] of Object.entries(expected)) expect([name, res.headers.get(name)]).toEqual([name, value]);
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
  });
});
