import { RunningApp, StackEnv, basicAuth, dropDatabase, stackEnv, startApp, waitFor } from '../support/stack';
import { AdminReply, adminClient } from '../support/admin-client';

/**
 * Who may do what, proved on the running app: every admin route the OpenAPI document lists (so a new route without
 * a row here, or without a role rule, fails) × every role × unlimited, limited to a destination, or limited to a
 * source and a destination × an object inside or outside that scope → the expected status.
 *
 * The expectations are written out here, apart from the app's own role table: a change to either shows up.
 */
jest.setTimeout(240_000);

type Role = 'admin' | 'operator' | 'auditor' | 'privacy';
type Dim = 'source' | 'destination';
type Where = 'inside' | 'outside';

interface Variant {
  label: string;
  role: Role | null;
  limits: Dim[];
}

const VARIANTS: Variant[] = [
  { label: 'no token', role: null, limits: [] },
  { label: 'admin', role: 'admin', limits: [] },
  ...(['operator', 'auditor', 'privacy'] as Role[]).flatMap((role) => [
    { label: role, role, limits: [] as Dim[] },
    { label: `${role} limited to D1`, role, limits: ['destination'] as Dim[] },
    { label: `${role} limited to S1+D1`, role, limits: ['source', 'destination'] as Dim[] },
  ]),
];

interface Fixture {
  s: Record<Where, string>;
  d: Record<Where, string>;
  m: Record<Where, string>;
  e: Record<Where, string>;
  r: Record<Where, string>;
  x: Record<Where, string>;
  from: string;
  to: string;
}

interface Req {
  path: string;
  body?: unknown;
}

interface Row {
  /** Roles whose request reaches the handler. */
  allowed: Role[];
  /** What the handler answers then. */
  success: number;
  /**
   * How a limited token fares: `list` answers (filtered); `unscoped` refuses any limit (403); otherwise `dims` are
   * the dimensions the named objects differ in (outside: 404 for a token limited in one of them) and `confines`,
   * for event data, those the route can hold a token to (limited in another: 403).
   */
  scoping: 'list' | 'unscoped' | { dims: Dim[]; confines?: Dim[] };
  request: (f: Fixture, where: Where, fresh: Fresh) => Promise<Req> | Req;
}

interface Fresh {
  source(): Promise<string>;
  destination(): Promise<string>;
  mapping(destinationId: string): Promise<string>;
  token(): Promise<string>;
}

const ALL: Role[] = ['admin', 'operator', 'auditor', 'privacy'];
const ADMIN: Role[] = ['admin'];
const READERS: Role[] = ['admin', 'operator', 'auditor'];
const OPERATORS: Role[] = ['admin', 'operator'];
const PRIVACY: Role[] = ['admin', 'privacy'];
const BOTH: Dim[] = ['source', 'destination'];

const MAPPING = {
  name: 'matrix',
  trigger: 'type = "track"',
  action: 'trackEventV2',
  mapping: { userId: { '@path': '$.userId' }, name: { '@path': '$.event' } },
};

const ROUTES: Record<string, Row> = {
  'POST /admin/sources': {
    allowed: ADMIN,
    success: 201,
    scoping: 'unscoped',
    request: () => ({ path: '/admin/sources', body: { name: 'matrix' } }),
  },
  'GET /admin/sources': {
    allowed: READERS,
    success: 200,
    scoping: 'list',
    request: () => ({ path: '/admin/sources' }),
  },
  'GET /admin/sources/{id}': {
    allowed: READERS,
    success: 200,
    scoping: { dims: ['source'] },
    request: (f, w) => ({ path: `/admin/sources/${f.s[w]}` }),
  },
  'PATCH /admin/sources/{id}': {
    allowed: ADMIN,
    success: 200,
    scoping: { dims: ['source'] },
    request: (f, w) => ({ path: `/admin/sources/${f.s[w]}`, body: { name: `renamed ${w}` } }),
  },
  'POST /admin/sources/{id}/rotate-write-key': {
    allowed: ADMIN,
    success: 200,
    scoping: { dims: ['source'] },
    request: async (f, w, fresh) => ({ path: `/admin/sources/${await fresh.source()}/rotate-write-key` }),
  },
  'DELETE /admin/sources/{id}': {
    allowed: ADMIN,
    success: 204,
    scoping: { dims: ['source'] },
    request: async (f, w, fresh) => ({ path: `/admin/sources/${await fresh.source()}` }),
  },
  'POST /admin/destinations': {
    allowed: ADMIN,
    success: 201,
    scoping: 'unscoped',
    request: () => ({ path: '/admin/destinations', body: { name: 'matrix', apiKey: 'matrix-key', sourceIds: [] } }),
  },
  'GET /admin/destinations': {
    allowed: READERS,
    success: 200,
    scoping: 'list',
    request: () => ({ path: '/admin/destinations' }),
  },
  'GET /admin/destinations/{id}': {
    allowed: READERS,
    success: 200,
    scoping: { dims: ['destination'] },
    request: (f, w) => ({ path: `/admin/destinations/${f.d[w]}` }),
  },
  'GET /admin/destinations/{id}/overview': {
    allowed: READERS,
    success: 200,
    scoping: { dims: ['destination'] },
    request: (f, w) => ({ path: `/admin/destinations/${f.d[w]}/overview?examples=1` }),
  },
  'PATCH /admin/destinations/{id}': {
    // Only `enabled`: what an operator may change.
    allowed: OPERATORS,
    success: 200,
    scoping: { dims: ['destination'] },
    request: (f, w) => ({ path: `/admin/destinations/${f.d[w]}`, body: { enabled: true } }),
  },
  'DELETE /admin/destinations/{id}': {
    allowed: ADMIN,
    success: 204,
    scoping: { dims: ['destination'] },
    request: async (f, w, fresh) => ({ path: `/admin/destinations/${await fresh.destination()}` }),
  },
  'POST /admin/destinations/{id}/preview': {
    allowed: READERS,
    success: 200,
    scoping: { dims: ['destination'] },
    request: (f, w) => ({
      path: `/admin/destinations/${f.d[w]}/preview`,
      body: { event: { type: 'track', event: 'E', userId: 'u', messageId: 'p' } },
    }),
  },
  'POST /admin/destinations/{id}/test-connection': {
    allowed: OPERATORS,
    success: 200,
    scoping: { dims: ['destination'] },
    request: (f, w) => ({ path: `/admin/destinations/${f.d[w]}/test-connection` }),
  },
  'POST /admin/destinations/{id}/pause': {
    allowed: OPERATORS,
    success: 200,
    scoping: { dims: ['destination'] },
    request: (f, w) => ({ path: `/admin/destinations/${f.d[w]}/pause` }),
  },
  'POST /admin/destinations/{id}/resume': {
    allowed: OPERATORS,
    success: 200,
    scoping: { dims: ['destination'] },
    request: (f, w) => ({ path: `/admin/destinations/${f.d[w]}/resume` }),
  },
  'POST /admin/destinations/{id}/mappings': {
    allowed: ADMIN,
    success: 201,
    scoping: { dims: ['destination'] },
    request: (f, w) => ({ path: `/admin/destinations/${f.d[w]}/mappings`, body: MAPPING }),
  },
  'GET /admin/destinations/{id}/mappings': {
    allowed: READERS,
    success: 200,
    scoping: { dims: ['destination'] },
    request: (f, w) => ({ path: `/admin/destinations/${f.d[w]}/mappings` }),
  },
  'GET /admin/destinations/{id}/mappings/{mappingId}': {
    allowed: READERS,
    success: 200,
    scoping: { dims: ['destination'] },
    request: (f, w) => ({ path: `/admin/destinations/${f.d[w]}/mappings/${f.m[w]}` }),
  },
  'PATCH /admin/destinations/{id}/mappings/{mappingId}': {
    allowed: ADMIN,
    success: 200,
    scoping: { dims: ['destination'] },
    request: (f, w) => ({ path: `/admin/destinations/${f.d[w]}/mappings/${f.m[w]}`, body: { name: `m ${w}` } }),
  },
  'DELETE /admin/destinations/{id}/mappings/{mappingId}': {
    allowed: ADMIN,
    success: 204,
    scoping: { dims: ['destination'] },
    request: async (f, w, fresh) => ({
      path: `/admin/destinations/${f.d[w]}/mappings/${await fresh.mapping(f.d[w])}`,
    }),
  },
  'POST /admin/deletions': {
    allowed: PRIVACY,
    success: 202,
    scoping: { dims: ['destination'], confines: ['destination'] },
    request: (f, w) => ({ path: '/admin/deletions', body: { userId: 'matrix-nobody', destinationIds: [f.d[w]] } }),
  },
  'GET /admin/deletions': {
    allowed: ALL,
    success: 200,
    scoping: 'list',
    request: () => ({ path: '/admin/deletions' }),
  },
  'GET /admin/deletions/{id}': {
    allowed: ALL,
    success: 200,
    scoping: { dims: ['destination'] },
    request: (f, w) => ({ path: `/admin/deletions/${f.x[w]}` }),
  },
  'GET /admin/events': {
    // With a userId: privacy reads the events of a user.
    allowed: ALL,
    success: 200,
    scoping: { dims: BOTH, confines: BOTH },
    request: (f, w) => ({ path: `/admin/events?userId=matrix-user&sourceId=${f.s[w]}&destinationId=${f.d[w]}` }),
  },
  'GET /admin/events/{id}': {
    allowed: READERS,
    success: 200,
    scoping: { dims: BOTH, confines: BOTH },
    request: (f, w) => ({ path: `/admin/events/${f.e[w]}` }),
  },
  'GET /admin/export': {
    allowed: READERS,
    success: 200,
    scoping: { dims: BOTH, confines: BOTH },
    request: (f, w) => ({ path: `/admin/export?from=${f.from}&to=${f.to}&sourceId=${f.s[w]}&destinationId=${f.d[w]}` }),
  },
  'GET /admin/rejected-events': {
    allowed: READERS,
    success: 200,
    scoping: { dims: ['source'], confines: ['source'] },
    request: (f, w) => ({ path: `/admin/rejected-events?sourceId=${f.s[w]}` }),
  },
  'POST /admin/deliveries/redrive': {
    allowed: OPERATORS,
    success: 200,
    scoping: { dims: ['destination'], confines: ['destination'] },
    request: (f, w) => ({ path: '/admin/deliveries/redrive', body: { destinationId: f.d[w], dryRun: true } }),
  },
  'POST /admin/replays': {
    allowed: OPERATORS,
    success: 200,
    scoping: { dims: BOTH, confines: BOTH },
    request: (f, w) => ({
      path: '/admin/replays',
      body: { destinationId: f.d[w], filter: { from: f.from, to: f.to }, dryRun: true },
    }),
  },
  'GET /admin/replays': {
    allowed: READERS,
    success: 200,
    scoping: 'list',
    request: () => ({ path: '/admin/replays' }),
  },
  'GET /admin/replays/{id}': {
    allowed: READERS,
    success: 200,
    scoping: { dims: BOTH },
    request: (f, w) => ({ path: `/admin/replays/${f.r[w]}` }),
  },
  // The fixture's replays are completed: reaching the handler is its 409.
  'POST /admin/replays/{id}/pause': {
    allowed: OPERATORS,
    success: 409,
    scoping: { dims: BOTH },
    request: (f, w) => ({ path: `/admin/replays/${f.r[w]}/pause` }),
  },
  'POST /admin/replays/{id}/resume': {
    allowed: OPERATORS,
    success: 409,
    scoping: { dims: BOTH },
    request: (f, w) => ({ path: `/admin/replays/${f.r[w]}/resume` }),
  },
  'POST /admin/replays/{id}/cancel': {
    allowed: OPERATORS,
    success: 409,
    scoping: { dims: BOTH },
    request: (f, w) => ({ path: `/admin/replays/${f.r[w]}/cancel` }),
  },
  'POST /admin/tokens': {
    allowed: ADMIN,
    success: 201,
    scoping: 'unscoped',
    request: () => ({ path: '/admin/tokens', body: { name: 'matrix', role: 'auditor' } }),
  },
  'GET /admin/tokens': {
    allowed: ADMIN,
    success: 200,
    scoping: 'unscoped',
    request: () => ({ path: '/admin/tokens' }),
  },
  'DELETE /admin/tokens/{id}': {
    allowed: ADMIN,
    success: 200,
    scoping: 'unscoped',
    request: async (f, w, fresh) => ({ path: `/admin/tokens/${await fresh.token()}` }),
  },
  'GET /admin/audit-log': {
    allowed: READERS,
    success: 200,
    scoping: 'unscoped',
    request: () => ({ path: '/admin/audit-log' }),
  },
};

function expected(row: Row, v: Variant, where: Where): number {
  if (v.role === null) return 401;
  if (!row.allowed.includes(v.role)) return 403;
  if (v.limits.length === 0 || row.scoping === 'list') return row.success;
  if (row.scoping === 'unscoped') return 403;
  const { dims, confines } = row.scoping;
  if (confines && v.limits.some((d) => !confines.includes(d))) return 403;
  if (where === 'outside' && v.limits.some((d) => dims.includes(d))) return 404;
  return row.success;
}

describe('roles × routes × scope', () => {
  let env: StackEnv;
  const apps: RunningApp[] = [];
  let call: ReturnType<typeof adminClient>;
  let base: string;
  const tokens = new Map<string, string>();
  let fixture: Fixture;
  let fresh: Fresh;

  const admin = async (method: string, path: string, body?: unknown): Promise<AdminReply> => {
    const res = await call(method, path, env.ADMIN_TOKEN, body);
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${res.text}`);
    return res;
  };

  beforeAll(async () => {
    env = stackEnv('roles_matrix');
    apps.push(await startApp('fake-fullstory', env));
    apps.push(await startApp('ingest-api', env));
    base = `http://127.0.0.1:${env.INGEST_PORT}`;
    call = adminClient(base);

    const s1 = await admin('POST', '/admin/sources', { name: 'S1' });
    const s2 = await admin('POST', '/admin/sources', { name: 'S2' });
    const source = (r: AdminReply) => r.body.id as string;
    const dest = async (name: string, sourceId: string) =>
      (await admin('POST', '/admin/destinations', { name, apiKey: `${name}-key`, sourceIds: [sourceId] })).body
        .id as string;
    const d1 = await dest('D1', source(s1));
    const d2 = await dest('D2', source(s2));
    const mapping = async (d: string) =>
      (await admin('POST', `/admin/destinations/${d}/mappings`, MAPPING)).body.id as string;
    for (const [s, messageId] of [
      [s1, 'matrix-1'],
      [s2, 'matrix-2'],
    ] as const) {
      const res = await fetch(`${base}/v1/track`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: basicAuth(s.body.writeKey as string) },
        body: JSON.stringify({ userId: 'matrix-user', event: 'Matrix', messageId }),
      });
      expect(res.status).toBe(200);
    }
    const events = await waitFor('both events in the log', async () => {
      const r = await admin('GET', '/admin/events?userId=matrix-user');
      const list = r.body.events as Array<{ id: string; sourceId: string }>;
      return list.length === 2 ? list : null;
    });
    const eventOf = (s: string) => events.find((e) => e.sourceId === s)?.id as string;
    const replay = async (d: string) =>
      (
        await admin('POST', '/admin/replays', {
          destinationId: d,
          // A range that matches nothing and is still within retention (a replay may not reach before it).
          filter: {
            from: new Date(Date.now() - 2 * 86_400_000).toISOString(),
            to: new Date(Date.now() - 2 * 86_400_000 + 3_600_000).toISOString(),
          },
        })
      ).body.id as string;
    const r1 = await replay(d1);
    const r2 = await replay(d2);
    await waitFor('both replays to complete', async () => {
      const r = await admin('GET', '/admin/replays');
      return (r.body.replays as Array<{ status: string }>).every((x) => x.status === 'completed');
    });
    const deletion = async (d: string) =>
      (await admin('POST', '/admin/deletions', { userId: 'matrix-gone', destinationIds: [d] })).body.id as string;
    fixture = {
      s: { inside: source(s1), outside: source(s2) },
      d: { inside: d1, outside: d2 },
      m: { inside: await mapping(d1), outside: await mapping(d2) },
      e: { inside: eventOf(source(s1)), outside: eventOf(source(s2)) },
      r: { inside: r1, outside: r2 },
      x: { inside: await deletion(d1), outside: await deletion(d2) },
      from: new Date(Date.now() - 3600_000).toISOString(),
      to: new Date(Date.now() + 3600_000).toISOString(),
    };
    fresh = {
      source: async () => source(await admin('POST', '/admin/sources', { name: 'fresh' })),
      destination: async () => dest('fresh', source(s1)),
      mapping,
      token: async () => (await admin('POST', '/admin/tokens', { name: 'fresh', role: 'auditor' })).body.id as string,
    };
    for (const v of VARIANTS) {
      if (v.role === null) continue;
      const body: Record<string, unknown> = { name: v.label, role: v.role };
      if (v.limits.includes('source')) body.sourceIds = [fixture.s.inside];
      if (v.limits.includes('destination')) body.destinationIds = [fixture.d.inside];
      tokens.set(
        v.label,
        v.role === 'admin' ? env.ADMIN_TOKEN : ((await admin('POST', '/admin/tokens', body)).body.token as string),
      );
    }
  });

  afterAll(async () => {
    for (const app of apps.reverse()) await app.stop();
    await dropDatabase(env.DATABASE_URL);
  });

  it('has a row for every admin route of the running app, and the app a role rule for each', async () => {
    const doc = (await (await fetch(`${base}/docs-json`)).json()) as {
      paths: Record<string, Record<string, { 'x-permission'?: string; 'x-roles'?: string[] }>>;
    };
    const routes: string[] = [];
    const withoutRule: string[] = [];
    for (const [path, item] of Object.entries(doc.paths)) {
      if (!path.startsWith('/admin/')) continue;
      for (const [method, op] of Object.entries(item)) {
        const key = `${method.toUpperCase()} ${path}`;
        routes.push(key);
        if (!op['x-permission'] || !op['x-roles']?.length) withoutRule.push(key);
      }
    }
    expect(withoutRule).toEqual([]);
    expect(routes.sort()).toEqual(Object.keys(ROUTES).sort());
  });

  it('answers every route × role × scope × inside/outside as expected', async () => {
    const mismatches: string[] = [];
    let checked = 0;
    for (const [key, row] of Object.entries(ROUTES)) {
      const method = key.split(' ')[0];
      for (const v of VARIANTS) {
        for (const where of ['inside', 'outside'] as Where[]) {
          const req = await row.request(fixture, where, fresh);
          const res = await call(method, req.path, v.role === null ? null : (tokens.get(v.label) as string), req.body);
          const want = expected(row, v, where);
          checked += 1;
          if (res.status !== want) {
            mismatches.push(
              `${key} as ${v.label}, ${where}: ${res.status} (expected ${want}) ${res.text.slice(0, 160)}`,
            );
          }
        }
      }
    }
    expect(mismatches).toEqual([]);
    expect(checked).toBe(Object.keys(ROUTES).length * VARIANTS.length * 2);
  });

  it('keeps a limited token’s lists inside its scope', async () => {
    const token = tokens.get('auditor limited to S1+D1') as string;
    const sources = await call('GET', '/admin/sources', token);
    expect((sources.body.sources as Array<{ id: string }>).map((s) => s.id)).toEqual([fixture.s.inside]);
    const destinations = await call('GET', '/admin/destinations', token);
    expect((destinations.body.destinations as Array<{ id: string }>).map((d) => d.id)).toEqual([fixture.d.inside]);
    const replays = await call('GET', '/admin/replays', token);
    expect((replays.body.replays as Array<{ id: string }>).map((r) => r.id)).toEqual([fixture.r.inside]);
    const events = await call('GET', '/admin/events', token);
    expect(events.status).toBe(200);
    expect((events.body.events as Array<{ id: string }>).map((e) => e.id)).toEqual([fixture.e.inside]);
  });
});
