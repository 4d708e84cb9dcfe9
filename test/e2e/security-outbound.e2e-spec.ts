import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { seedSourceAndDestination, SeededPair } from '../support/seed';
import {
  RunningApp,
  StackEnv,
  basicAuth,
  dropDatabase,
  postJson,
  stackEnv,
  startApp,
  waitFor,
  withDb,
} from '../support/stack';

/**
 * Issue 17 item 2: a FullStory key goes only to allowed hosts. A listener on loopback stands in for an internal
 * service or an attacker's host; whatever path the admin API or the worker takes, it never receives a request.
 */
jest.setTimeout(120_000);

type Json = Record<string, unknown>;

const API_KEY = 'security-outbound-secret-key';
let env: StackEnv;
const apps: RunningApp[] = [];
let admin: string;
let listener: Server;
let listenerUrl: string;
let listenerHits = 0;
let seeded: SeededPair;

async function call(
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: Json; text: string }> {
  const res = await fetch(`${admin}${path}`, {
    method,
    headers: { Authorization: `Bearer ${env.ADMIN_TOKEN}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Json) : {}, text };
}

async function attemptsOf(destinationId: string, trigger: string) {
  return withDb(
    env.DATABASE_URL,
    async (c) =>
      (
        await c.query<{ decision: string; error_class: string; error_message: string; request_url: string }>(
          `SELECT a.decision, a.error_class, a.error_message, a.request_url FROM delivery_attempts a
           JOIN deliveries d ON d.id = a.delivery_id WHERE d.destination_id = $1 AND a.trigger = $2 ORDER BY a.id`,
          [destinationId, trigger],
        )
      ).rows,
  );
}

beforeAll(async () => {
  listener = createServer((req, res) => {
    listenerHits += 1;
    req.resume();
    res.end('{"internal":"secret reply"}');
  });
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  listenerUrl = `http://127.0.0.1:${(listener.address() as AddressInfo).port}`;
  env = stackEnv('security_outbound');
  apps.push(await startApp('fake-fullstory', env));
  apps.push(await startApp('ingest-api', env));
  // A row written before the allowlist existed (or straight into the database): it points at the listener.
  seeded = await seedSourceAndDestination(env.DATABASE_URL, env.SECRETS_KEY, { apiKey: API_KEY, baseUrl: listenerUrl });
  apps.push(await startApp('delivery-worker', env));
  admin = `http://127.0.0.1:${env.INGEST_PORT}`;
});

afterAll(async () => {
  for (const app of apps.reverse()) await app.stop();
  listener.closeAllConnections();
  await new Promise<void>((resolve) => listener.close(() => resolve()));
  await dropDatabase(env.DATABASE_URL);
});

describe('destination base URLs', () => {
  it.each([
    ['the listener on loopback', () => listenerUrl, 'names an IP address (127.0.0.1)'],
    [
      'localhost on another port',
      () => listenerUrl.replace('127.0.0.1', 'localhost'),
      'host localhost is not a FullStory API host',
    ],
    ['cloud metadata', () => 'http://169.254.169.254/latest/meta-data', 'names an IP address (169.254.169.254)'],
    ['a private address', () => 'http://10.0.0.1', 'names an IP address (10.0.0.1)'],
    ['IPv6 loopback', () => 'http://[::1]:4010', 'names an IP address ([::1])'],
    ['another host', () => 'https://evil.example.com', 'host evil.example.com is not a FullStory API host'],
    [
      'userinfo',
      () => `http://user:pw@127.0.0.1:${env.FAKE_FULLSTORY_PORT}`,
      'must not contain a user name or password',
    ],
    ['a query string', () => `http://127.0.0.1:${env.FAKE_FULLSTORY_PORT}/?to=x`, 'must not contain a query string'],
    ['a fragment', () => `http://127.0.0.1:${env.FAKE_FULLSTORY_PORT}/#x`, 'must not contain a fragment'],
  ])('refuses %s', async (_what, url, problem) => {
    const res = await call('POST', '/admin/destinations', {
      name: 'SSRF',
      sourceIds: [],
      apiKey: API_KEY,
      baseUrl: url(),
    });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('base_url_not_allowed');
    expect(res.body.message).toContain(problem);
    expect(res.text).not.toContain(API_KEY);
  });

  it('stored no destination for any refused URL (only the seeded one exists)', async () => {
    const list = await call('GET', '/admin/destinations');
    expect((list.body.destinations as Json[]).map((d) => d.id)).toEqual([seeded.destinationId]);
  });

  it('needs the API key again to change the host, and accepts an allowed host with it', async () => {
    const created = await call('POST', '/admin/destinations', { name: 'Fake', sourceIds: [], apiKey: 'k-1' });
    expect(created.status).toBe(201);
    const path = `/admin/destinations/${created.body.id as string}`;

    for (const change of [{ baseUrl: 'http://127.0.0.1:9' }, { region: 'eu' }]) {
      const res = await call('PATCH', path, change);
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('api_key_required');
    }
    expect((await call('PATCH', path, { baseUrl: listenerUrl, apiKey: 'k-2' })).body.code).toBe('base_url_not_allowed');
    expect((await call('GET', path)).body).toMatchObject({ region: null, baseUrl: null });

    // Same host, other settings: no key needed.
    expect((await call('PATCH', path, { name: 'Renamed' })).status).toBe(200);
    const moved = await call('PATCH', path, { region: 'eu', apiKey: 'k-3' });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ region: 'eu', effectiveBaseUrl: 'https://api.eu1.fullstory.com' });
    await call('DELETE', path);
  });
});

describe('a stored destination that points at a non-allowed host', () => {
  it('test-connection does not send the key', async () => {
    const res = await call('POST', `/admin/destinations/${seeded.destinationId}/test-connection`, {});
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      ok: false,
      status: null,
      message: `Not sent: GET ${listenerUrl}/me refused: the URL names an IP address (127.0.0.1) that is not in ALLOWED_FULLSTORY_HOSTS`,
    });
  });

  it('preview builds the request without sending it', async () => {
    const res = await call('POST', `/admin/destinations/${seeded.destinationId}/preview`, {
      event: { type: 'track', event: 'Previewed', userId: 'u1', messageId: 'm-preview' },
    });
    expect(res.status).toBe(200);
    expect(res.text).not.toContain(API_KEY);
    expect((res.body.requests as Json[])[0]).toMatchObject({ url: `${listenerUrl}/v2/events` });
  });

  it('delivery and replay fail permanently without a request', async () => {
    const from = new Date(Date.now() - 60_000).toISOString();
    const sent = await postJson(
      `${admin}/v1/track`,
      { userId: 'u1', event: 'Order Completed', messageId: 'm-outbound-1' },
      { Authorization: basicAuth(seeded.writeKey) },
    );
    expect(sent.status).toBe(200);
    const auto = await waitFor('the refused delivery attempt', async () => {
      const rows = await attemptsOf(seeded.destinationId, 'auto');
      return rows.length > 0 && rows;
    });
    expect(auto).toEqual([
      {
        decision: 'failed_permanently',
        error_class: 'network',
        error_message: expect.stringContaining(`POST ${listenerUrl}/v2/events refused`) as string,
        request_url: `${listenerUrl}/v2/events`,
      },
    ]);

    // Both replay modes: batch (the default for the v2 presets: FullStory's batch import) and per event.
    const to = new Date(Date.now() + 60_000).toISOString();
    const modes: string[] = [];
    for (const [i, mode] of [undefined, 'per-event'].entries()) {
      const replay = await call('POST', '/admin/replays', {
        destinationId: seeded.destinationId,
        filter: { from, to },
        ...(mode === undefined ? {} : { mode }),
      });
      expect(replay.status).toBe(202);
      modes.push(replay.body.mode as string);
      await waitFor(`the refused replay attempt ${i + 1}`, async () => {
        const rows = await attemptsOf(seeded.destinationId, 'replay');
        return rows.length > i;
      });
    }
    expect(modes).toEqual(['batch', 'per-event']);
    const refused = (url: string) => ({
      decision: 'failed_permanently',
      error_class: 'network',
      error_message: expect.stringContaining(
        `POST ${url} refused: the URL names an IP address (127.0.0.1) that is not in ALLOWED_FULLSTORY_HOSTS`,
      ) as string,
      request_url: url,
    });
    expect(await attemptsOf(seeded.destinationId, 'replay')).toEqual([
      refused(`${listenerUrl}/v2/events/batch`),
      refused(`${listenerUrl}/v2/events`),
    ]);
    // The attempts are written after the send would have happened: nothing reached the listener.
    expect(listenerHits).toBe(0);
  });
});
