import { Queue } from 'bullmq';
import { randomUUID } from 'crypto';
import Redis from 'ioredis';
import { Pool } from 'pg';
import { buildPreviewDestination, previewEvent } from '@fsd/mapping';
import { deliveryJobId, deliveryQueueName } from '@fsd/platform';
import { DestinationRepository } from '../../apps/delivery-worker/src/data/destination.repository';
import { compileRow } from '../../apps/delivery-worker/src/destinations/destination-config';
import { RunningApp, StackEnv, dropDatabase, stackEnv, startApp, withDb } from '../support/stack';

/**
 * The admin API on the real, built ingest-api (plus fake-fullstory for test-connection), against
 * real Postgres and Redis.
 */
jest.setTimeout(120_000);

interface Reply {
  status: number;
  body: Record<string, unknown>;
  text: string;
}

type Json = Record<string, unknown>;

const TRACK_MAPPING = {
  userId: { '@path': '$.userId' },
  name: { '@path': '$.event' },
  properties: { '@path': '$.properties' },
};

let env: StackEnv;
let api: RunningApp;
let fake: RunningApp | undefined;
let fakeStartError: unknown;
let base: string;

async function call(method: string, path: string, body?: unknown, token: string | null = env.ADMIN_TOKEN) {
  const headers: Record<string, string> = {};
  if (token !== null) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(`${base}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: Json = {};
  try {
    parsed = text ? (JSON.parse(text) as Json) : {};
  } catch {
    parsed = { raw: text };
  }
  return { status: res.status, body: parsed, text } as Reply;
}

const post = (path: string, body: unknown = {}, token?: string | null) => call('POST', path, body, token);
const get = (path: string, token?: string | null) => call('GET', path, undefined, token);
const patch = (path: string, body: unknown, token?: string | null) => call('PATCH', path, body, token);
const del = (path: string, token?: string | null) => call('DELETE', path, undefined, token);

async function createSource(name = 'Web'): Promise<Json> {
  const res = await post('/admin/sources', { name });
  expect(res.status).toBe(201);
  return res.body;
}

async function createDestination(body: Json): Promise<Reply> {
  return post('/admin/destinations', body);
}

beforeAll(async () => {
  env = stackEnv('admin');
  try {
    fake = await startApp('fake-fullstory', env);
  } catch (e) {
    fakeStartError = e;
  }
  api = await startApp('ingest-api', env);
  base = `http://127.0.0.1:${api.port}`;
});

afterAll(async () => {
  await api?.stop();
  await fake?.stop();
  await dropDatabase(env.DATABASE_URL);
  const redis = new Redis(env.REDIS_URL);
  try {
    const keys = await redis.keys(`${env.QUEUE_PREFIX}:*`);
    if (keys.length > 0) await redis.del(...keys);
  } finally {
    redis.disconnect();
  }
});

describe('authentication', () => {
  const id = randomUUID();
  const routes: { method: string; path: string; body?: unknown }[] = [
    { method: 'GET', path: '/admin/sources' },
    { method: 'POST', path: '/admin/sources', body: { name: 'x' } },
    { method: 'GET', path: `/admin/sources/${id}` },
    { method: 'PATCH', path: `/admin/sources/${id}`, body: { name: 'x' } },
    { method: 'DELETE', path: `/admin/sources/${id}` },
    { method: 'POST', path: `/admin/sources/${id}/rotate-write-key`, body: {} },
    { method: 'GET', path: '/admin/destinations' },
    { method: 'POST', path: '/admin/destinations', body: { name: 'x' } },
    { method: 'GET', path: `/admin/destinations/${id}` },
    { method: 'PATCH', path: `/admin/destinations/${id}`, body: { name: 'x' } },
    { method: 'DELETE', path: `/admin/destinations/${id}` },
    { method: 'POST', path: `/admin/destinations/${id}/preview`, body: { event: {} } },
    { method: 'POST', path: `/admin/destinations/${id}/test-connection`, body: {} },
    { method: 'GET', path: `/admin/destinations/${id}/mappings` },
    { method: 'POST', path: `/admin/destinations/${id}/mappings`, body: { name: 'x' } },
    { method: 'GET', path: `/admin/destinations/${id}/mappings/${id}` },
    { method: 'PATCH', path: `/admin/destinations/${id}/mappings/${id}`, body: { name: 'x' } },
    { method: 'DELETE', path: `/admin/destinations/${id}/mappings/${id}` },
    { method: 'POST', path: '/admin/deletions', body: { userId: 'u' } },
  ];

  it.each(routes)('$method $path needs the admin token', async ({ method, path, body }) => {
    const missing = await call(method, path, body, null);
    expect(missing.status).toBe(401);
    expect(missing.body).toMatchObject({ success: false, code: 'unauthorized' });
    expect(typeof missing.body.message).toBe('string');

    const wrong = await call(method, path, body, `${env.ADMIN_TOKEN}x`);
    expect(wrong.status).toBe(401);
    expect(wrong.body).toMatchObject({ success: false, code: 'unauthorized' });

    const empty = await call(method, path, body, '');
    expect(empty.status).toBe(401);
    expect(empty.body).toMatchObject({ success: false, code: 'unauthorized' });
    expect(missing.text + wrong.text).not.toContain(env.ADMIN_TOKEN);
  });

  it('rejects a Basic header carrying the admin token', async () => {
    const res = await fetch(`${base}/admin/sources`, {
      headers: { Authorization: `Basic ${Buffer.from(`${env.ADMIN_TOKEN}:`).toString('base64')}` },
    });
    expect(res.status).toBe(401);
  });
});

describe('sources', () => {
  it('returns the write key once, stores only its hash, and never shows it again', async () => {
    const created = await createSource('Website');
    const writeKey = created.writeKey as string;
    expect(writeKey).toMatch(/^wk_/);
    expect(created).toMatchObject({ name: 'Website', writeKeyHint: writeKey.slice(0, 8) });
    const id = created.id as string;

    const one = await get(`/admin/sources/${id}`);
    expect(one.status).toBe(200);
    expect(one.body.writeKey).toBeUndefined();
    expect(one.text).not.toContain(writeKey);
    expect(one.body).toMatchObject({ id, name: 'Website', writeKeyHint: writeKey.slice(0, 8) });

    const all = await get('/admin/sources');
    expect(all.status).toBe(200);
    expect(all.text).not.toContain(writeKey);
    // The first source of this suite.
    expect((all.body.sources as Json[]).map((s) => s.id)).toEqual([id]);

    const rows = await withDb(
      env.DATABASE_URL,
      async (c) => (await c.query('SELECT * FROM sources WHERE id = $1', [id])).rows,
    );
    expect(JSON.stringify(rows)).not.toContain(writeKey);
    expect(rows[0].write_key_hash).toMatch(/^[0-9a-f]{64}$/);

    // The key works on the tracking API.
    const track = await fetch(`${base}/v1/track`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        Authorization: `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}`,
      },
      body: JSON.stringify({ userId: 'u1', event: 'Signed Up' }),
    });
    expect(track.status).toBe(200);
  });

  it('updates rate limits, rotates the key (old one stops working) and deletes', async () => {
    const created = await createSource('Rotating');
    const id = created.id as string;
    const oldKey = created.writeKey as string;

    const updated = await patch(`/admin/sources/${id}`, { rateLimitRequestsPerSecond: 50, name: 'Renamed' });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({
      name: 'Renamed',
      rateLimitRequestsPerSecond: 50,
      rateLimitEventsPerSecond: null,
    });
    expect(created).toMatchObject({ eventRetentionDays: null, auditRetentionDays: null });
    const kept = await patch(`/admin/sources/${id}`, { eventRetentionDays: 45, auditRetentionDays: 120 });
    expect(kept.status).toBe(200);
    expect(kept.body).toMatchObject({ eventRetentionDays: 45, auditRetentionDays: 120 });
    const cleared = await patch(`/admin/sources/${id}`, { eventRetentionDays: null });
    expect(cleared.body).toMatchObject({ eventRetentionDays: null, auditRetentionDays: 120 });
    expect((await patch(`/admin/sources/${id}`, { auditRetentionDays: 0 })).status).toBe(400);

    const rotated = await post(`/admin/sources/${id}/rotate-write-key`, {});
    expect(rotated.status).toBe(200);
    const newKey = rotated.body.writeKey as string;
    expect(newKey).toMatch(/^wk_/);
    expect(newKey).not.toBe(oldKey);

    const trackWith = (key: string) =>
      fetch(`${base}/v1/track`, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          Authorization: `Basic ${Buffer.from(`${key}:`).toString('base64')}`,
        },
        body: JSON.stringify({ userId: 'u1', event: 'E' }),
      });
    expect((await trackWith(oldKey)).status).toBe(401);
    expect((await trackWith(newKey)).status).toBe(200);

    expect((await del(`/admin/sources/${id}`)).status).toBe(204);
    expect((await get(`/admin/sources/${id}`)).status).toBe(404);
    const malformed = await get('/admin/sources/not-a-uuid');
    expect(malformed.status).toBe(400);
    expect(malformed.body.message).toBe('id must be a UUID');
    expect((await trackWith(newKey)).status).toBe(401);
  });

  it('rejects unknown fields and bad values', async () => {
    const unknown = await post('/admin/sources', { name: 'x', writeKey: 'mine' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.code).toBe('invalid_request');
    expect(unknown.body.message).toContain('writeKey');

    const bad = await post('/admin/sources', { name: '', rateLimitEventsPerSecond: -1 });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toContain('name');
    expect(bad.body.message).toContain('rateLimitEventsPerSecond');
  });
});

describe('destinations', () => {
  let sourceId: string;

  beforeAll(async () => {
    sourceId = (await createSource('For destinations')).id as string;
  });

  it('creates, reads, patches and deletes without ever returning the API key', async () => {
    const apiKey = 'super-secret-fullstory-key-123';
    const created = await createDestination({
      name: 'FullStory EU',
      sourceIds: [sourceId],
      apiKey,
      region: 'eu',
      settings: { concurrency: 5, retryV1NotFound: true },
      mappings: [{ name: 'Orders', trigger: 'type = "track"', action: 'trackEvent', mapping: TRACK_MAPPING }],
      filters: [{ name: 'no tests', condition: 'event = "Test"', effect: { type: 'drop' } }],
    });
    expect(created.status).toBe(201);
    expect(created.text).not.toContain(apiKey);
    expect(created.body).toMatchObject({
      name: 'FullStory EU',
      enabled: true,
      sourceIds: [sourceId],
      apiKeySet: true,
      region: 'eu',
      baseUrl: null,
      effectiveBaseUrl: 'https://api.eu1.fullstory.com',
      presets: { trackEvent: true, identifyUser: true },
      settings: { concurrency: 5, retryV1NotFound: true },
    });
    expect(created.body.apiKey).toBeUndefined();
    const mappings = created.body.mappings as Json[];
    expect(mappings).toHaveLength(1);
    expect(mappings[0]).toMatchObject({ name: 'Orders', position: 0, action: 'trackEvent', enabled: true });
    const id = created.body.id as string;

    const stored = await withDb(
      env.DATABASE_URL,
      async (c) => (await c.query('SELECT api_key_encrypted FROM destinations WHERE id = $1', [id])).rows[0],
    );
    expect(stored.api_key_encrypted).toMatch(/^v2\./);
    expect(stored.api_key_encrypted).not.toContain(apiKey);

    const one = await get(`/admin/destinations/${id}`);
    expect(one.status).toBe(200);
    expect(one.text).not.toContain(apiKey);
    expect(one.body).toMatchObject({ id, apiKeySet: true, region: 'eu' });

    const list = await get('/admin/destinations');
    expect(list.status).toBe(200);
    expect(list.text).not.toContain(apiKey);
    // The first destination of this suite.
    expect((list.body.destinations as Json[]).map((d) => d.id)).toEqual([id]);

    const before = one.body.updatedAt as string;
    const patched = await patch(`/admin/destinations/${id}`, {
      baseUrl: 'http://127.0.0.1:9/custom',
      enabled: false,
      presets: { identifyUser: false },
      apiKey: 'another-secret-key-456',
      mappings: [
        { name: 'A', trigger: 'type = "track"', action: 'trackEventV2', mapping: TRACK_MAPPING },
        {
          name: 'B',
          trigger: 'type = "identify"',
          action: 'identifyUserV2',
          mapping: { uid: { '@path': '$.userId' } },
        },
      ],
    });
    expect(patched.status).toBe(200);
    expect(patched.text).not.toContain('another-secret-key-456');
    expect(patched.body).toMatchObject({
      region: null,
      baseUrl: 'http://127.0.0.1:9/custom',
      effectiveBaseUrl: 'http://127.0.0.1:9/custom',
      enabled: false,
      presets: { trackEvent: true, identifyUser: false },
      sourceIds: [sourceId],
    });
    expect((patched.body.mappings as Json[]).map((m) => [m.name, m.position])).toEqual([
      ['A', 0],
      ['B', 1],
    ]);
    expect(new Date(patched.body.updatedAt as string).getTime()).toBeGreaterThan(new Date(before).getTime());

    expect((await del(`/admin/destinations/${id}`)).status).toBe(204);
    expect((await get(`/admin/destinations/${id}`)).status).toBe(404);
    expect((await del(`/admin/destinations/${id}`)).status).toBe(404);
  });

  it('uses the deployment base URL when neither region nor baseUrl is given', async () => {
    const res = await createDestination({ name: 'Default', sourceIds: [], apiKey: 'k' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ region: null, baseUrl: null, effectiveBaseUrl: env.FULLSTORY_BASE_URL });
  });

  describe('validation', () => {
    const valid = () => ({ name: 'D', sourceIds: [sourceId], apiKey: 'secret-key-in-error-check' });

    it('rejects an unknown field, naming it', async () => {
      const res = await createDestination({ ...valid(), colour: 'blue' });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('invalid_request');
      expect(res.body.message).toContain('colour');
      expect(res.text).not.toContain('secret-key-in-error-check');
    });

    it('rejects an unknown nested field', async () => {
      const res = await createDestination({ ...valid(), settings: { concurency: 3 } });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('invalid_request');
      expect(res.body.message).toContain('concurency');
    });

    it('rejects a bad region and region with baseUrl', async () => {
      const bad = await createDestination({ ...valid(), region: 'apac' });
      expect(bad.status).toBe(400);
      expect(bad.body.code).toBe('invalid_request');
      expect(bad.body.message).toContain('region');

      const both = await createDestination({ ...valid(), region: 'us', baseUrl: 'https://example.com' });
      expect(both.status).toBe(400);
      expect(both.body.code).toBe('invalid_request');
      expect(both.body.message).toMatch(/mutually exclusive/);
    });

    it('rejects a bad mapping, naming the key', async () => {
      const res = await createDestination({
        ...valid(),
        mappings: [
          { name: 'Bad', trigger: 'type = "track"', action: 'trackEventV2', mapping: { name: { '@path': true } } },
        ],
      });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('invalid_mapping');
      expect(res.body.message).toContain('/name/@path');
      expect(Array.isArray(res.body.details)).toBe(true);
      expect(res.text).not.toContain('secret-key-in-error-check');
    });

    it('rejects a bad trigger and an unknown action', async () => {
      const trig = await createDestination({
        ...valid(),
        mappings: [{ name: 'T', trigger: 'type == "track"', action: 'trackEventV2', mapping: TRACK_MAPPING }],
      });
      expect(trig.status).toBe(400);
      expect(trig.body.code).toBe('invalid_mapping');
      expect(trig.body.message).toContain('trigger');

      const action = await createDestination({
        ...valid(),
        mappings: [{ name: 'T', trigger: 'type = "track"', action: 'launchRocket', mapping: TRACK_MAPPING }],
      });
      expect(action.status).toBe(400);
      expect(action.body.code).toBe('invalid_request');
      expect(action.body.message).toContain('action');
    });

    it('rejects more than 50 mappings', async () => {
      const mappings = Array.from({ length: 51 }, (_, i) => ({
        name: `M${i}`,
        trigger: 'type = "track"',
        action: 'trackEventV2',
        mapping: TRACK_MAPPING,
      }));
      const res = await createDestination({ ...valid(), mappings });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('too_many_mappings');
      expect(res.body.message).toContain('50');
    });

    it('rejects a bad filter', async () => {
      const badEffect = await createDestination({
        ...valid(),
        filters: [{ condition: 'type = "track"', effect: { type: 'explode' } }],
      });
      expect(badEffect.status).toBe(400);
      expect(badEffect.body.code).toBe('invalid_request');
      expect(badEffect.body.message).toContain('effect.type');

      const badCondition = await createDestination({
        ...valid(),
        filters: [{ condition: 'type ==', effect: { type: 'drop' } }],
      });
      expect(badCondition.status).toBe(400);
      expect(badCondition.body.code).toBe('invalid_destination');
      expect(Array.isArray(badCondition.body.details)).toBe(true);
      expect((badCondition.body.details as string[]).join(' ')).toContain('filters[0]');

      const tooMany = await createDestination({
        ...valid(),
        filters: Array.from({ length: 11 }, () => ({ condition: 'type = "track"', effect: { type: 'drop' } })),
      });
      expect(tooMany.status).toBe(400);
      expect(tooMany.body.code).toBe('invalid_request');
      expect(tooMany.body.message).toContain('filters');
    });

    it('rejects unknown source ids, naming them', async () => {
      const ghost = randomUUID();
      const res = await createDestination({ ...valid(), sourceIds: [sourceId, ghost] });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('unknown_source');
      expect(res.body.message).toContain(ghost);
    });

    it('creates nothing when validation fails', async () => {
      const count = await withDb(env.DATABASE_URL, async (c) =>
        Number((await c.query(`SELECT count(*) FROM destinations WHERE name = 'D'`)).rows[0].count),
      );
      expect(count).toBe(0);
    });
  });
});

describe('mappings', () => {
  let destinationId: string;

  beforeAll(async () => {
    const res = await createDestination({ name: 'Mapped', sourceIds: [], apiKey: 'k' });
    expect(res.status).toBe(201);
    destinationId = res.body.id as string;
  });

  const updatedAt = async () => (await get(`/admin/destinations/${destinationId}`)).body.updatedAt as string;

  it('creates, lists, reads, updates and deletes mappings in position order, bumping updated_at', async () => {
    const path = `/admin/destinations/${destinationId}/mappings`;
    let stamp = await updatedAt();

    const first = await post(path, {
      name: 'First',
      trigger: 'type = "track"',
      action: 'trackEventV2',
      mapping: TRACK_MAPPING,
    });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ name: 'First', position: 0, enabled: true, destinationId });
    expect(await updatedAt()).not.toBe(stamp);
    stamp = await updatedAt();

    const second = await post(path, {
      name: 'Second',
      trigger: 'type = "identify"',
      action: 'identifyUserV2',
      mapping: { uid: { '@path': '$.userId' } },
      enabled: false,
    });
    expect(second.status).toBe(201);
    expect(second.body).toMatchObject({ position: 1, enabled: false });

    const list = await get(path);
    expect(list.status).toBe(200);
    expect((list.body.mappings as Json[]).map((m) => m.name)).toEqual(['First', 'Second']);

    const one = await get(`${path}/${first.body.id as string}`);
    expect(one.status).toBe(200);
    expect(one.body.name).toBe('First');

    stamp = await updatedAt();
    const renamed = await patch(`${path}/${first.body.id as string}`, { name: 'Renamed', enabled: false });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ name: 'Renamed', enabled: false, position: 0 });
    expect(await updatedAt()).not.toBe(stamp);

    const badPatch = await patch(`${path}/${first.body.id as string}`, { mapping: { name: { '@nope': 1 } } });
    expect(badPatch.status).toBe(400);
    expect(badPatch.body.code).toBe('invalid_mapping');
    expect(badPatch.body.message).toContain('@nope');

    stamp = await updatedAt();
    expect((await del(`${path}/${first.body.id as string}`)).status).toBe(204);
    expect(await updatedAt()).not.toBe(stamp);
    expect((await get(`${path}/${first.body.id as string}`)).status).toBe(404);
    expect((await del(`${path}/${first.body.id as string}`)).status).toBe(404);
  });

  it('validates each mapping and names the key', async () => {
    const res = await post(`/admin/destinations/${destinationId}/mappings`, {
      name: 'Broken',
      trigger: 'type = "track"',
      action: 'trackEventV2',
      mapping: { properties: { '@template': 5 } },
    });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('invalid_mapping');
    expect(res.body.message).toContain('/properties/@template');

    const extra = await post(`/admin/destinations/${destinationId}/mappings`, {
      name: 'Extra',
      trigger: 'type = "track"',
      action: 'trackEventV2',
      mapping: TRACK_MAPPING,
      priority: 1,
    });
    expect(extra.status).toBe(400);
    expect(extra.body.code).toBe('invalid_request');
    expect(extra.body.message).toContain('priority');
  });

  it('refuses the 51st mapping', async () => {
    const res = await createDestination({ name: 'Full', sourceIds: [], apiKey: 'k' });
    const path = `/admin/destinations/${res.body.id as string}/mappings`;
    for (let i = 0; i < 50; i++) {
      const r = await post(path, {
        name: `M${i}`,
        trigger: 'type = "track"',
        action: 'trackEventV2',
        mapping: TRACK_MAPPING,
      });
      expect(r.status).toBe(201);
      expect(r.body.position).toBe(i);
    }
    const over = await post(path, {
      name: 'M50',
      trigger: 'type = "track"',
      action: 'trackEventV2',
      mapping: TRACK_MAPPING,
    });
    expect(over.status).toBe(400);
    expect(over.body.code).toBe('too_many_mappings');
    expect(over.body.message).toMatch(/at most 50/);
  });

  it('404s for an unknown destination', async () => {
    const res = await get(`/admin/destinations/${randomUUID()}/mappings`);
    expect(res.status).toBe(404);
  });
});

describe('preview', () => {
  it('shows what would be sent for a track event, with the key redacted', async () => {
    const apiKey = 'preview-secret-key-789';
    const created = await createDestination({ name: 'Preview', sourceIds: [], apiKey, region: 'us' });
    expect(created.status).toBe(201);
    const id = created.body.id as string;

    const event = {
      type: 'track',
      messageId: 'm-1',
      userId: 'user-1',
      event: 'Order Completed',
      properties: { revenue: 42, 'first-name': 'x' },
      timestamp: '2024-01-02T03:04:05.000Z',
    };
    const res = await post(`/admin/destinations/${id}/preview`, { event });
    expect(res.status).toBe(200);
    expect(res.text).not.toContain(apiKey);
    expect(res.body).toEqual({
      messageId: 'm-1',
      actions: ['trackEventV2'],
      requests: [
        {
          method: 'POST',
          url: 'https://api.fullstory.com/v2/events',
          headers: expect.objectContaining({
            'Content-Type': 'application/json',
            Authorization: 'Basic [redacted]',
            'Integration-Source': 'segment',
          }),
          body: {
            name: 'Order Completed',
            properties: { revenue: 42, firstname: 'x' },
            user: { uid: 'user-1' },
            timestamp: '2024-01-02T03:04:05.000Z',
          },
        },
      ],
      errors: [],
    });

    // With the deployment default and a failing user mapping, errors are reported per action.
    const other = await createDestination({
      name: 'Preview 2',
      sourceIds: [],
      apiKey,
      presets: { trackEvent: false, identifyUser: false },
      mappings: [{ name: 'v1', trigger: 'type = "track"', action: 'trackEvent', mapping: TRACK_MAPPING }],
    });
    expect(other.status).toBe(201);
    const noUser = await post(`/admin/destinations/${other.body.id as string}/preview`, {
      event: { type: 'track', event: 'E', messageId: 'm-2' },
    });
    expect(noUser.status).toBe(200);
    expect(noUser.body).toEqual({
      messageId: 'm-2',
      actions: ['trackEvent'],
      requests: [],
      errors: [{ action: 'trackEvent', message: "The root value is missing the required field 'userId'." }],
    });

    const missing = await post(`/admin/destinations/${id}/preview`, {});
    expect(missing.status).toBe(400);
    expect(missing.body.message).toContain('event');
  });

  it('takes the event as sent: own __proto__, constructor and prototype keys are found, and dropped from bodies (§2)', async () => {
    const created = await createDestination({
      name: 'Preview hostile keys',
      sourceIds: [],
      apiKey: 'preview-key',
      presets: { trackEvent: false, identifyUser: false },
      mappings: [
        {
          name: 'v2',
          trigger: 'type = "track"',
          action: 'trackEventV2',
          mapping: {
            name: { '@path': '$.event' },
            properties: {
              sent: { '@path': '$.properties' },
              found: { '@path': '$.properties.__proto__' },
              proto: { '@path': '$.properties.constructor.prototype' },
            },
          },
        },
      ],
    });
    expect(created.status).toBe(201);
    // JSON.parse keeps own __proto__ keys as data; JSON.stringify (in post) sends them.
    const event = JSON.parse(
      '{"type":"track","event":"E","userId":"u","messageId":"m-3","properties":{"__proto__":{"a":1},"b":2,"c":{"__proto__":3,"d":4},"constructor":{"prototype":5}}}',
    ) as Json;
    const res = await post(`/admin/destinations/${created.body.id as string}/preview`, { event });
    expect(res.status).toBe(200);
    expect(JSON.stringify((res.body.requests as Json[])[0].body)).toBe(
      '{"name":"E","properties":{"sent":{"b":2,"c":{"d":4},"constructor":{"prototype":5}},"found":{"a":1},"proto":5}}',
    );
  });

  it('keeps a mapping as sent: stored, read back, previewed and compiled by the worker as in the CLI (§2)', async () => {
    const created = await createDestination({
      name: 'Mapping hostile keys',
      sourceIds: [],
      apiKey: 'preview-key',
      presets: { trackEvent: false, identifyUser: false },
    });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    const trigger = 'type = "track"';
    // An output key `constructor`, and a `@literal` with `prototype` and `__proto__` keys (JSON.parse keeps it).
    const first =
      '{"name":{"@path":"$.event"},"properties":{"constructor":{"@path":"$.properties.a"},"lit":{"@literal":{"prototype":1,"__proto__":{"x":1}}}}}';
    const saved = await post(`/admin/destinations/${id}/mappings`, {
      name: 'hostile keys',
      trigger,
      action: 'trackEventV2',
      mapping: JSON.parse(first) as Json,
    });
    expect(saved.status).toBe(201);
    expect(JSON.stringify(saved.body.mapping)).toBe(first);
    const mappingPath = `/admin/destinations/${id}/mappings/${saved.body.id as string}`;
    expect(JSON.stringify((await get(mappingPath)).body.mapping)).toBe(first);

    // The update path too, with an output key `prototype` added.
    const text =
      '{"name":{"@path":"$.event"},"properties":{"constructor":{"@path":"$.properties.a"},"prototype":{"@path":"$.userId"},"lit":{"@literal":{"prototype":1,"__proto__":{"x":1}}}}}';
    const mapping = JSON.parse(text) as Json;
    const updated = await patch(mappingPath, { mapping });
    expect(updated.status).toBe(200);
    const read = await get(mappingPath);
    expect(read.status).toBe(200);
    expect(JSON.stringify(read.body.mapping)).toBe(text);
    const destination = await get(`/admin/destinations/${id}`);
    expect(JSON.stringify((destination.body.mappings as Json[]).map((m) => m.mapping))).toBe(`[${text}]`);

    const event = JSON.parse(
      '{"type":"track","event":"E","userId":"u","messageId":"m-4","properties":{"a":"A"}}',
    ) as Json;
    const cli = previewEvent(buildPreviewDestination({ action: 'trackEventV2', trigger, mapping }), event);
    const cliBodies = JSON.stringify(cli.requests.map((r) => r.body));
    expect(cliBodies).toBe('[{"name":"E","properties":{"constructor":"A","prototype":"u","lit":{"prototype":1}}}]');
    const bodies = (res: Reply) => JSON.stringify((res.body.requests as Json[]).map((r) => r.body));

    const stored = await post(`/admin/destinations/${id}/preview`, { event });
    expect(stored.status).toBe(200);
    expect(bodies(stored)).toBe(cliBodies);
    const draft = await post(`/admin/destinations/${id}/preview`, {
      event,
      mappings: [{ name: 'draft', trigger, action: 'trackEventV2', mapping }],
    });
    expect(draft.status).toBe(200);
    expect(bodies(draft)).toBe(cliBodies);

    // The worker's own read of the stored row and its own compile print what the CLI prints.
    const pool = new Pool({ connectionString: env.DATABASE_URL });
    try {
      const row = await new DestinationRepository(pool).configRow(id);
      if (!row) throw new Error('the worker does not see the destination');
      const { compiled, compileError } = compileRow(row, {
        apiKey: 'test-api-key',
        baseUrl: 'https://api.fullstory.com',
      });
      expect(compileError).toBeNull();
      if (!compiled) throw new Error('the worker did not compile the destination');
      expect(JSON.stringify(previewEvent(compiled, event))).toBe(JSON.stringify(cli));
    } finally {
      await pool.end();
    }
  });
});

describe('test-connection', () => {
  it('reports valid and invalid credentials against fake-fullstory, never the key', async () => {
    if (!fake) throw new Error(`fake-fullstory did not start: ${String(fakeStartError)}`);
    const good = await createDestination({ name: 'Good', sourceIds: [], apiKey: 'test-api-key' });
    const ok = await post(`/admin/destinations/${good.body.id as string}/test-connection`, {});
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ ok: true, status: 200 });
    expect(ok.text).not.toContain('test-api-key');

    const badKey = 'unknown-key-that-is-wrong';
    const bad = await createDestination({ name: 'Bad', sourceIds: [], apiKey: badKey });
    const nok = await post(`/admin/destinations/${bad.body.id as string}/test-connection`, {});
    expect(nok.status).toBe(200);
    expect(nok.body).toEqual({ ok: false, status: 401, message: 'Credentials are invalid: 401 Unauthorized' });
    expect(nok.text).not.toContain(badKey);
  });

  it('reports an unreachable FullStory without the key', async () => {
    const apiKey = 'unreachable-secret-key';
    const dest = await createDestination({ name: 'Nowhere', sourceIds: [], apiKey, baseUrl: 'http://127.0.0.1:9' });
    const res = await post(`/admin/destinations/${dest.body.id as string}/test-connection`, {});
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ ok: false, status: null });
    expect(res.text).not.toContain(apiKey);
  });
});

describe('deletions', () => {
  it('requires a userId and creates nothing without one', async () => {
    for (const body of [{}, { userId: '' }, { userId: '   ' }]) {
      const res = await post('/admin/deletions', body);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ success: false, code: 'invalid_request', message: 'userId is required' });
    }
    const count = await withDb(env.DATABASE_URL, async (c) =>
      Number((await c.query(`SELECT count(*) FROM deliveries WHERE kind = 'deletion'`)).rows[0].count),
    );
    expect(count).toBe(0);
  });

  it('creates one pending deletion delivery per destination and enqueues it', async () => {
    const destinations = ((await get('/admin/destinations')).body.destinations as Json[]).map((d) => d.id as string);
    expect(destinations.length).toBeGreaterThan(1);

    const all = await post('/admin/deletions', { userId: 'user/to-forget' });
    expect(all.status).toBe(202);
    expect(all.body.destinations).toBe(destinations.length);
    const ids = all.body.deletionIds as string[];
    expect(ids).toHaveLength(destinations.length);

    const rows = await withDb(
      env.DATABASE_URL,
      async (c) =>
        (
          await c.query(
            `SELECT id::text, destination_id::text, kind, status, event_id, deletion_user_id
             FROM deliveries WHERE id = ANY($1::bigint[]) ORDER BY id`,
            [ids],
          )
        ).rows,
    );
    expect(rows).toHaveLength(destinations.length);
    for (const r of rows) {
      expect(r).toMatchObject({
        kind: 'deletion',
        status: 'pending',
        event_id: null,
        deletion_user_id: 'user/to-forget',
      });
    }
    expect(new Set(rows.map((r) => r.destination_id))).toEqual(new Set(destinations));
    for (const r of rows) {
      const queue = new Queue(deliveryQueueName(r.destination_id as string), {
        connection: { url: env.REDIS_URL },
        prefix: env.QUEUE_PREFIX,
      });
      try {
        const job = await queue.getJob(deliveryJobId(r.id as string));
        expect(job?.data).toMatchObject({ deliveryId: r.id });
      } finally {
        await queue.close();
      }
    }

    const one = await post('/admin/deletions', { userId: 'u2', destinationIds: [destinations[0]] });
    expect(one.status).toBe(202);
    expect(one.body).toMatchObject({ destinations: 1 });

    const ghost = randomUUID();
    const unknown = await post('/admin/deletions', { userId: 'u3', destinationIds: [ghost] });
    expect(unknown.status).toBe(400);
    expect(unknown.body.message).toContain(ghost);
  });
});
