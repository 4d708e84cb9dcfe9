import { ADMIN, ALL, BOTH, OPERATORS, PRIVACY, READERS, Row } from './matrix';

/** The admin API (`/admin/...` in the OpenAPI document). */
export const MAPPING = {
  name: 'matrix',
  trigger: 'type = "track"',
  action: 'trackEventV2',
  mapping: { userId: { '@path': '$.userId' }, name: { '@path': '$.event' } },
};

export const API_ROUTES: Record<string, Row> = {
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
  'GET /admin/sources/:id': {
    allowed: READERS,
    success: 200,
    scoping: { dims: ['source'] },
    request: (f, w) => ({ path: `/admin/sources/${f.s[w]}` }),
  },
  'PATCH /admin/sources/:id': {
    allowed: ADMIN,
    success: 200,
    scoping: { dims: ['source'] },
    request: (f, w) => ({ path: `/admin/sources/${f.s[w]}`, body: { name: `renamed ${w}` } }),
  },
  'POST /admin/sources/:id/rotate-write-key': {
    allowed: ADMIN,
    success: 200,
    scoping: { dims: ['source'] },
    request: async (f, w, fresh) => ({ path: `/admin/sources/${await fresh.source()}/rotate-write-key` }),
  },
  'DELETE /admin/sources/:id': {
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
  'GET /admin/destinations/:id': {
    allowed: READERS,
    success: 200,
    scoping: { dims: ['destination'] },
    request: (f, w) => ({ path: `/admin/destinations/${f.d[w]}` }),
  },
  'GET /admin/destinations/:id/overview': {
    allowed: READERS,
    success: 200,
    scoping: { dims: ['destination'] },
    request: (f, w) => ({ path: `/admin/destinations/${f.d[w]}/overview?examples=1` }),
  },
  'PATCH /admin/destinations/:id': {
    // Only `enabled`: what an operator may change.
    allowed: OPERATORS,
    success: 200,
    scoping: { dims: ['destination'] },
    request: (f, w) => ({ path: `/admin/destinations/${f.d[w]}`, body: { enabled: true } }),
  },
  'DELETE /admin/destinations/:id': {
    allowed: ADMIN,
    success: 204,
    scoping: { dims: ['destination'] },
    request: async (f, w, fresh) => ({ path: `/admin/destinations/${await fresh.destination()}` }),
  },
  'POST /admin/destinations/:id/preview': {
    allowed: READERS,
    success: 200,
    scoping: { dims: ['destination'] },
    request: (f, w) => ({
      path: `/admin/destinations/${f.d[w]}/preview`,
      body: { event: { type: 'track', event: 'E', userId: 'u', messageId: 'p' } },
    }),
  },
  'POST /admin/destinations/:id/test-connection': {
    allowed: OPERATORS,
    success: 200,
    scoping: { dims: ['destination'] },
    request: (f, w) => ({ path: `/admin/destinations/${f.d[w]}/test-connection` }),
  },
  'POST /admin/destinations/:id/pause': {
    allowed: OPERATORS,
    success: 200,
    scoping: { dims: ['destination'] },
    request: (f, w) => ({ path: `/admin/destinations/${f.d[w]}/pause` }),
  },
  'POST /admin/destinations/:id/resume': {
    allowed: OPERATORS,
    success: 200,
    scoping: { dims: ['destination'] },
    request: (f, w) => ({ path: `/admin/destinations/${f.d[w]}/resume` }),
  },
  'POST /admin/destinations/:id/mappings': {
    allowed: ADMIN,
    success: 201,
    scoping: { dims: ['destination'] },
    request: (f, w) => ({ path: `/admin/destinations/${f.d[w]}/mappings`, body: MAPPING }),
  },
  'GET /admin/destinations/:id/mappings': {
    allowed: READERS,
    success: 200,
    scoping: { dims: ['destination'] },
    request: (f, w) => ({ path: `/admin/destinations/${f.d[w]}/mappings` }),
  },
  'GET /admin/destinations/:id/mappings/:mappingId': {
    allowed: READERS,
    success: 200,
    scoping: { dims: ['destination'] },
    request: (f, w) => ({ path: `/admin/destinations/${f.d[w]}/mappings/${f.m[w]}` }),
  },
  'PATCH /admin/destinations/:id/mappings/:mappingId': {
    allowed: ADMIN,
    success: 200,
    scoping: { dims: ['destination'] },
    request: (f, w) => ({ path: `/admin/destinations/${f.d[w]}/mappings/${f.m[w]}`, body: { name: `m ${w}` } }),
  },
  'DELETE /admin/destinations/:id/mappings/:mappingId': {
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
  'GET /admin/deletions/:id': {
    allowed: ALL,
    success: 200,
    // A deletion covers its target destinations and the sources connected to them.
    scoping: { dims: BOTH },
    request: (f, w) => ({ path: `/admin/deletions/${f.x[w]}` }),
  },
  'GET /admin/events': {
    // With a userId: privacy reads the events of a user.
    allowed: ALL,
    success: 200,
    scoping: { dims: BOTH, confines: BOTH },
    request: (f, w) => ({ path: `/admin/events?userId=matrix-user&sourceId=${f.s[w]}&destinationId=${f.d[w]}` }),
  },
  'GET /admin/events/:id': {
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
  'GET /admin/replays/:id': {
    allowed: READERS,
    success: 200,
    scoping: { dims: BOTH },
    request: (f, w) => ({ path: `/admin/replays/${f.r[w]}` }),
  },
  // The fixture's replays are completed: reaching the handler is its 409.
  'POST /admin/replays/:id/pause': {
    allowed: OPERATORS,
    success: 409,
    scoping: { dims: BOTH },
    request: (f, w) => ({ path: `/admin/replays/${f.r[w]}/pause` }),
  },
  'POST /admin/replays/:id/resume': {
    allowed: OPERATORS,
    success: 409,
    scoping: { dims: BOTH },
    request: (f, w) => ({ path: `/admin/replays/${f.r[w]}/resume` }),
  },
  'POST /admin/replays/:id/cancel': {
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
  'DELETE /admin/tokens/:id': {
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
