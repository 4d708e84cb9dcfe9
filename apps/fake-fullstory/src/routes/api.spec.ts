import { Harness } from '../testing/harness';

describe('fake FullStory API', () => {
  let h: Harness;
  beforeEach(() => {
    h = new Harness();
  });
  afterEach(() => h.close());

  const seed = (uid: string, extra: Record<string, unknown> = {}) =>
    h.control('POST', '/__fake/users', { uid, ...extra });
  const register = (key: string, role: string) => h.control('POST', '/__fake/keys', { key, role });

  describe('auth', () => {
    it('401 without or with an unknown key, and for a base64-encoded key', async () => {
      for (const key of [null, 'nope', Buffer.from('test-api-key').toString('base64')]) {
        const r = await h.call('GET', '/me', undefined, {}, key);
        expect(r.status).toBe(401);
        expect(r.body).toEqual({ message: 'access is unauthorized', code: 'unauthorized' });
      }
    });

    it('role hierarchy: standard writes, architect reads and deletes', async () => {
      await register('std', 'standard');
      await register('arch', 'architect');
      expect((await h.call('POST', '/v2/events', { name: 'e' }, {}, 'std')).status).toBe(200);
      const forbidden = await h.call('GET', '/v2/users', undefined, {}, 'std');
      expect(forbidden.status).toBe(403);
      expect(forbidden.body).toEqual({ message: 'insufficient permissions', code: 'forbidden' });
      expect((await h.call('DELETE', '/v2/users?uid=x', undefined, {}, 'std')).status).toBe(403);
      expect((await h.call('GET', '/operations/v1', undefined, {}, 'std')).status).toBe(403);
      expect((await h.call('GET', '/v2/users', undefined, {}, 'arch')).status).toBe(200);
      expect((await h.call('DELETE', '/v2/users?uid=x', undefined, {}, 'arch')).status).toBe(200);
    });

    it('GET /me reports the role of the key', async () => {
      await register('std', 'standard');
      expect((await h.call('GET', '/me')).body).toEqual({
        email: expect.any(String),
        orgId: expect.any(String),
        role: 'ADMIN',
      });
      expect((await h.call('GET', '/me', undefined, {}, 'std')).body).toMatchObject({ role: 'USER' });
      await register('arch', 'architect');
      expect((await h.call('GET', '/me', undefined, {}, 'arch')).body).toMatchObject({ role: 'ARCHITECT' });
    });

    it('the default keys work and FAKE keys can be configured', async () => {
      expect((await h.call('GET', '/me', undefined, {}, 'dev-fullstory-key')).status).toBe(200);
      const custom = new Harness({ keys: new Map([['only', 'standard' as const]]) });
      expect((await custom.call('GET', '/me', undefined, {}, 'only')).status).toBe(200);
      expect((await custom.call('GET', '/me')).status).toBe(401);
      await custom.close();
    });
  });

  describe('body parsing', () => {
    it('parses JSON whatever the content type; unparsable → 400 invalid_argument', async () => {
      const r = await h.call('POST', '/v2/events', '{"name":"e"}', { 'content-type': 'text/plain' });
      expect(r.status).toBe(200);
      const bad = await h.call('POST', '/v2/events', '{"name":', {});
      expect(bad.status).toBe(400);
      expect(bad.body).toEqual({ message: 'request body is not valid JSON', code: 'invalid_argument' });
    });

    it('unknown routes → 404 resource_not_found', async () => {
      const r = await h.call('GET', '/v3/whatever');
      expect(r.status).toBe(404);
      expect(r.body).toMatchObject({ code: 'resource_not_found' });
    });
  });

  describe('v1', () => {
    const customevent = (uid: string, body: unknown, key?: string) =>
      h.call('POST', `/users/v1/individual/${uid}/customevent?integration=segment`, body, {}, key);
    const customvars = (uid: string, body: unknown) =>
      h.call('POST', `/users/v1/individual/${uid}/customvars?integration=segment`, body);

    it('404 for a user never identified', async () => {
      const r = await customevent('ghost', { event: { event_name: 'x', event_data: {} } });
      expect(r.status).toBe(404);
      expect(r.body).toMatchObject({ code: 'resource_not_found' });
      expect((await customvars('ghost', { a_str: 'x' })).status).toBe(404);
    });

    it('a user becomes identified by seeding or by POST /v2/users with a uid, not by a v2 event', async () => {
      await h.call('POST', '/v2/events', { name: 'e', user: { uid: 'from-event' } });
      expect((await customvars('from-event', {})).status).toBe(404);
      await h.call('POST', '/v2/users', { uid: 'from-v2' });
      expect((await customvars('from-v2', {})).status).toBe(200);
    });

    it('customevent stores the event for an identified (URL-encoded) uid', async () => {
      await seed('fake/user/id');
      const body = {
        event: {
          event_name: 'test-event',
          event_data: { first_str: 'v', n_real: 1.5 },
          timestamp: '2022-02-02T03:04:05.000Z',
          use_recent_session: true,
        },
      };
      const r = await customevent('fake%2Fuser%2Fid', body);
      expect(r).toMatchObject({ status: 200, body: {} });
      const events = (await h.control('GET', '/__fake/events')).body as Array<Record<string, unknown>>;
      expect(events).toEqual([
        expect.objectContaining({
          source: 'v1',
          uid: 'fake/user/id',
          name: 'test-event',
          properties: { first_str: 'v', n_real: 1.5 },
          timestamp: '2022-02-02T03:04:05.000Z',
          session: { use_recent_session: true },
        }),
      ]);
      const reqs = (await h.control('GET', '/__fake/requests')).body as Array<Record<string, unknown>>;
      expect(reqs[0]).toMatchObject({
        path: '/users/v1/individual/fake%2Fuser%2Fid/customevent',
        query: { integration: 'segment' },
        notes: [],
      });
    });

    it('customevent validation', async () => {
      await seed('u1');
      expect((await customevent('u1', {})).body).toEqual({ message: 'event is required', code: 'required_field' });
      expect((await customevent('u1', { event: {} })).body).toMatchObject({ code: 'required_field' });
      expect((await customevent('u1', { event: { event_name: '' } })).body).toMatchObject({ code: 'invalid_argument' });
      expect((await customevent('u1', { event: { event_name: 'x'.repeat(251) } })).status).toBe(400);
      const twoSessions = { event: { event_name: 'x', session_url: 's', use_recent_session: true } };
      expect((await customevent('u1', twoSessions)).body).toMatchObject({ code: 'invalid_argument' });
      expect((await customevent('u1', { event: { event_name: 'x', timestamp: 'garbage' } })).status).toBe(400);
    });

    it('lenient naming records a note; strict naming rejects', async () => {
      await seed('u1');
      expect((await customvars('u1', { plan: 'pro', ok_str: 'x', n_int: 1.5 })).status).toBe(200);
      const reqs = (await h.control('GET', '/__fake/requests')).body as Array<{ notes: string[] }>;
      expect(reqs[0].notes).toEqual([
        expect.stringContaining('"plan" has no type suffix'),
        expect.stringContaining('"n_int" does not match suffix _int'),
      ]);
      await h.control('POST', '/__fake/config', { namingMode: 'strict' });
      const r = await customvars('u1', { plan: 'pro' });
      expect(r.status).toBe(400);
      expect(r.body).toMatchObject({ code: 'invalid_argument' });
      expect((await customvars('u1', { plan_str: 'pro', nested: { inner_bool: true } })).status).toBe(200);
    });

    it('customvars sets properties, displayName and email', async () => {
      await seed('u1');
      await customvars('u1', { plan_str: 'pro', displayName: 'Ann', email: 'a@x.io' });
      const user = await h.call('GET', '/users/v1/individual/u1');
      expect(user.body).toMatchObject({
        uid: 'u1',
        displayName: 'Ann',
        email: 'a@x.io',
        numSessions: '0',
        custom_vars: { plan_str: 'pro' },
      });
    });

    it('GET and DELETE v1 user with operations', async () => {
      expect((await h.call('GET', '/users/v1/individual/u1')).status).toBe(404);
      await seed('u1');
      await customevent('u1', { event: { event_name: 'x' } });
      const del = await h.call('DELETE', '/users/v1/individual/u1');
      expect(del.status).toBe(200);
      const { id } = del.body as { id: string };
      expect(typeof id).toBe('string');
      const op = await h.call('GET', `/operations/v1/${encodeURIComponent(id)}`);
      expect(op.body).toMatchObject({ id, type: 'DELETE_USER', state: 'COMPLETED', estimatePctComplete: 100 });
      const list = await h.call('GET', '/operations/v1?limit=10');
      expect(list.body).toEqual({ operations: [expect.objectContaining({ id })], nextPaginationToken: '' });
      expect((await h.call('GET', '/operations/v1?limit=101')).status).toBe(400);
      expect((await h.call('GET', '/operations/v1/unknown')).status).toBe(404);
      expect((await h.control('GET', '/__fake/events')).body).toEqual([]);
      expect((await customevent('u1', { event: { event_name: 'x' } })).status).toBe(404);
    });

    it('operations stay PENDING during the processing delay', async () => {
      await h.control('POST', '/__fake/config', { processingDelayMs: 1000 });
      await seed('u1');
      const { id } = (await h.call('DELETE', '/users/v1/individual/u1')).body as { id: string };
      expect((await h.call('GET', `/operations/v1/${encodeURIComponent(id)}`)).body).toMatchObject({
        state: 'PENDING',
      });
      h.advance(1000);
      expect((await h.call('GET', `/operations/v1/${encodeURIComponent(id)}`)).body).toMatchObject({
        state: 'COMPLETED',
      });
    });
  });

  describe('v2 users', () => {
    it('upserts by uid and merges properties', async () => {
      const a = await h.call('POST', '/v2/users', {
        uid: 'u1',
        email: 'a@x.io',
        properties: { plan: 'free', nested: { a: 1 } },
      });
      expect(a.status).toBe(200);
      const { id } = a.body as { id: string };
      const b = await h.call('POST', '/v2/users', {
        uid: 'u1',
        display_name: 'Ann',
        properties: { plan: 'pro', nested: { b: 2 } },
      });
      expect(b.body).toEqual({ id });
      const got = await h.call('GET', `/v2/users/${id}?include_schema=true`);
      expect(got.body).toMatchObject({
        id,
        uid: 'u1',
        email: 'a@x.io',
        display_name: 'Ann',
        is_being_deleted: false,
        properties: { plan: 'pro', nested: { a: 1, b: 2 } },
        schema: { properties: {} },
      });
      const anon = await h.call('POST', '/v2/users', {});
      expect((anon.body as { id: string }).id).not.toEqual(id);
    });

    it('ids are deterministic (counter based)', async () => {
      const first = await h.call('POST', '/v2/users', { uid: 'u1' });
      const other = new Harness();
      expect((await other.call('POST', '/v2/users', { uid: 'zzz' })).body).toEqual(first.body);
      await other.close();
    });

    it('validation errors', async () => {
      expect((await h.call('POST', '/v2/users', { uid: 'x'.repeat(257) })).body).toMatchObject({
        code: 'invalid_argument',
      });
      expect((await h.call('POST', '/v2/users', { email: 'e'.repeat(129) })).status).toBe(400);
      expect((await h.call('POST', '/v2/users', { properties: 'no' })).status).toBe(400);
      expect((await h.call('POST', '/v2/users', { properties: { big: 'x'.repeat(8193) } })).status).toBe(400);
      const many = Object.fromEntries(Array.from({ length: 501 }, (_, i) => [`p${i}`, i]));
      expect((await h.call('POST', '/v2/users', { properties: many })).status).toBe(400);
      expect((await h.call('POST', '/v2/users', { schema: { properties: { a: 'weird' } } })).status).toBe(400);
      expect((await h.call('POST', '/v2/users', [1, 2])).status).toBe(400);
    });

    it('lists with filters and pagination fields', async () => {
      await h.call('POST', '/v2/users', { uid: 'u1', email: 'a@x.io' });
      await h.call('POST', '/v2/users', { uid: 'u2', email: 'b@x.io' });
      await h.call('POST', '/v2/users', {});
      expect((await h.call('GET', '/v2/users')).body).toMatchObject({ total_records: '3' });
      const byEmail = await h.call('GET', '/v2/users?email=b%40x.io');
      expect(byEmail.body).toMatchObject({ results: [expect.objectContaining({ uid: 'u2' })], total_records: '1' });
      expect((await h.call('GET', '/v2/users?is_identified=false')).body).toMatchObject({ total_records: '1' });
      expect((await h.call('GET', '/v2/users?uid=u1')).body).toMatchObject({ total_records: '1' });
    });

    it('POST /v2/users/:id updates; changing the uid is an error', async () => {
      const { id } = (await h.call('POST', '/v2/users', {})).body as { id: string };
      expect((await h.call('POST', `/v2/users/${id}`, { uid: 'u9', properties: { a: 1 } })).body).toEqual({ id });
      expect((await h.call('POST', `/v2/users/${id}`, { uid: 'other' })).body).toMatchObject({
        code: 'invalid_argument',
      });
      expect((await h.call('POST', '/v2/users/999', {})).status).toBe(404);
      expect((await h.call('GET', '/v2/users/999')).body).toEqual({
        message: expect.any(String),
        code: 'resource_not_found',
      });
    });

    it('DELETE by uid and by id; missing uid → required_field; unknown uid configurable', async () => {
      const { id } = (await h.call('POST', '/v2/users', { uid: 'u1' })).body as { id: string };
      await h.call('POST', '/v2/events', { name: 'e', user: { uid: 'u1' } });
      const del = await h.call('DELETE', '/v2/users?uid=u1');
      expect(del).toMatchObject({ status: 200, body: {} });
      expect((await h.call('GET', `/v2/users/${id}`)).body).toMatchObject({ is_being_deleted: true });
      expect((await h.control('GET', '/__fake/events')).body).toEqual([]);
      expect((await h.call('DELETE', '/v2/users')).body).toEqual({
        message: 'uid is required',
        code: 'required_field',
      });
      expect((await h.call('DELETE', '/v2/users?uid=unknown')).status).toBe(200);
      await h.control('POST', '/__fake/config', { deleteUnknownUserStatus: 404 });
      expect((await h.call('DELETE', '/v2/users?uid=unknown')).status).toBe(404);
      const other = (await h.call('POST', '/v2/users', { uid: 'u2' })).body as { id: string };
      expect((await h.call('DELETE', `/v2/users/${other.id}`)).status).toBe(200);
    });

    it('is also served under /v2beta', async () => {
      expect((await h.call('POST', '/v2beta/users', { uid: 'u1' })).status).toBe(200);
      expect((await h.call('POST', '/v2beta/events', { name: 'e' })).status).toBe(200);
    });
  });

  describe('v2 events', () => {
    it('accepts the destination body and creates unknown users', async () => {
      const body = {
        name: 'test-event',
        properties: { first: 'v' },
        user: { uid: 'fake/user/id' },
        timestamp: '2022-02-02T03:04:05.000Z',
      };
      expect(await h.call('POST', '/v2/events', body)).toMatchObject({ status: 200, body: {} });
      const events = (await h.control('GET', '/__fake/events')).body as Array<Record<string, unknown>>;
      expect(events[0]).toMatchObject({
        source: 'v2',
        uid: 'fake/user/id',
        name: 'test-event',
        properties: { first: 'v' },
      });
      const users = (await h.control('GET', '/__fake/users')).body as Array<Record<string, unknown>>;
      expect(users[0]).toMatchObject({ uid: 'fake/user/id', origin: 'v2_events' });
    });

    it('validation errors', async () => {
      expect((await h.call('POST', '/v2/events', {})).body).toEqual({
        message: 'name is required',
        code: 'required_field',
      });
      expect((await h.call('POST', '/v2/events', { name: '' })).body).toMatchObject({
        code: 'invalid_argument',
        message: expect.stringContaining('events must have a non-empty name'),
      });
      expect((await h.call('POST', '/v2/events', { name: 'e', timestamp: 'nope' })).status).toBe(400);
      expect((await h.call('POST', '/v2/events', { name: 'e', session: { use_most_recent: true } })).status).toBe(400);
      expect(
        (await h.call('POST', '/v2/events', { name: 'e', session: { use_most_recent: true }, user: { uid: 'u' } }))
          .status,
      ).toBe(200);
      expect(
        (await h.call('POST', '/v2/events', { name: 'e', context: { device: { screen_width: 1.5 } } })).status,
      ).toBe(400);
    });

    it('session.id with user → 400 unless enforceSessionUserExclusive is off', async () => {
      const body = { name: 'e', user: { uid: 'u' }, session: { id: '1:2', use_most_recent: true } };
      expect((await h.call('POST', '/v2/events', body)).body).toMatchObject({ code: 'invalid_argument' });
      await h.control('POST', '/__fake/config', { enforceSessionUserExclusive: false });
      expect((await h.call('POST', '/v2/events', body)).status).toBe(200);
    });

    it('arrays of objects are noted (lenient) or rejected (strict)', async () => {
      expect((await h.call('POST', '/v2/events', { name: 'e', properties: { a: [{ x: 1 }] } })).status).toBe(200);
      await h.control('POST', '/__fake/config', { namingMode: 'strict' });
      expect((await h.call('POST', '/v2/events', { name: 'e', properties: { a: [{ x: 1 }] } })).status).toBe(400);
    });
  });
});
