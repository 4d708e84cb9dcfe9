import { API_ROUTES } from './api-routes';
import { ALL, BOTH, READERS, Row, relayed } from './matrix';

/**
 * The operations page (`/admin/ui`, excluded from the OpenAPI document): its HTML pages, its login, and its JSON
 * routes. Those that relay to the admin API as the logged-in user answer as the API route they relay to.
 */
const api = (key: string): Row => {
  const row = API_ROUTES[key];
  if (!row) throw new Error(`no API row ${key}`);
  return row;
};
const viaConfigApi = (key: string) => relayed(api(key), (p) => p.replace(/^\/admin\//, '/admin/ui/api/config/'));

export const UI_ROUTES: Record<string, Row> = {
  'GET /admin/ui': { allowed: READERS, success: 200, scoping: 'list', request: () => ({ path: '/admin/ui' }) },
  // Any token logs in (the page then shows what its role may see); none, or a wrong one, is 401.
  'POST /admin/ui/login': {
    allowed: ALL,
    success: 204,
    scoping: 'none',
    request: () => ({ path: '/admin/ui/login', tokenInBody: true }),
  },
  'POST /admin/ui/logout': {
    allowed: 'anyone',
    success: 204,
    scoping: 'none',
    request: () => ({ path: '/admin/ui/logout' }),
  },
  'POST /admin/ui/sessions/revoke': {
    allowed: ['admin'],
    success: 201,
    scoping: 'unscoped',
    request: () => ({ path: '/admin/ui/sessions/revoke' }),
  },
  'GET /admin/ui/api/overview': {
    allowed: READERS,
    success: 200,
    scoping: 'list',
    request: () => ({ path: '/admin/ui/api/overview' }),
  },
  // Searches every source's events: names no source or destination, so no limited token.
  'GET /admin/ui/api/search': {
    allowed: READERS,
    success: 200,
    scoping: 'unscoped',
    request: () => ({ path: '/admin/ui/api/search?q=matrix-user' }),
  },
  'GET /admin/ui/api/events/:id/timeline': {
    allowed: READERS,
    success: 200,
    scoping: { dims: BOTH, confines: BOTH },
    request: (f, w) => ({ path: `/admin/ui/api/events/${f.e[w]}/timeline` }),
  },
  'POST /admin/ui/api/replays': relayed(api('POST /admin/replays'), () => '/admin/ui/api/replays'),
  'GET /admin/ui/api/replays/:id': relayed(api('GET /admin/replays/:id'), (p) =>
    p.replace('/admin/', '/admin/ui/api/'),
  ),
  'POST /admin/ui/api/redrive': relayed(api('POST /admin/deliveries/redrive'), () => '/admin/ui/api/redrive'),
  'POST /admin/ui/api/destinations/:id/pause': relayed(api('POST /admin/destinations/:id/pause'), (p) =>
    p.replace('/admin/', '/admin/ui/api/'),
  ),
  'POST /admin/ui/api/destinations/:id/resume': relayed(api('POST /admin/destinations/:id/resume'), (p) =>
    p.replace('/admin/', '/admin/ui/api/'),
  ),
  // Every source's rejected events: read-all roles, no limited token.
  'GET /admin/ui/rejected': {
    allowed: READERS,
    success: 200,
    scoping: 'unscoped',
    request: () => ({ path: '/admin/ui/rejected' }),
  },
  'GET /admin/ui/funnel': {
    allowed: READERS,
    success: 200,
    scoping: 'list',
    request: () => ({ path: '/admin/ui/funnel' }),
  },
  // Any logged-in caller is sent on to the sources page, which applies the role.
  'GET /admin/ui/config': {
    allowed: ALL,
    success: 302,
    scoping: 'none',
    request: () => ({ path: '/admin/ui/config' }),
  },
  'GET /admin/ui/config/sources': {
    allowed: READERS,
    success: 200,
    scoping: 'list',
    request: () => ({ path: '/admin/ui/config/sources' }),
  },
  'GET /admin/ui/config/destinations': {
    allowed: READERS,
    success: 200,
    scoping: 'list',
    request: () => ({ path: '/admin/ui/config/destinations' }),
  },
  'GET /admin/ui/config/destinations/:id/mappings': {
    allowed: READERS,
    success: 200,
    scoping: { dims: ['destination'] },
    request: (f, w) => ({ path: `/admin/ui/config/destinations/${f.d[w]}/mappings` }),
  },
  'GET /admin/ui/api/config/sources': viaConfigApi('GET /admin/sources'),
  'POST /admin/ui/api/config/sources': viaConfigApi('POST /admin/sources'),
  'PATCH /admin/ui/api/config/sources/:id': viaConfigApi('PATCH /admin/sources/:id'),
  'POST /admin/ui/api/config/sources/:id/rotate-write-key': viaConfigApi('POST /admin/sources/:id/rotate-write-key'),
  'GET /admin/ui/api/config/destinations': viaConfigApi('GET /admin/destinations'),
  'POST /admin/ui/api/config/destinations': viaConfigApi('POST /admin/destinations'),
  'PATCH /admin/ui/api/config/destinations/:id': viaConfigApi('PATCH /admin/destinations/:id'),
  'POST /admin/ui/api/config/destinations/:id/test-connection': viaConfigApi(
    'POST /admin/destinations/:id/test-connection',
  ),
  'POST /admin/ui/api/config/destinations/:id/preview': viaConfigApi('POST /admin/destinations/:id/preview'),
  'POST /admin/ui/api/config/destinations/:id/mappings': viaConfigApi('POST /admin/destinations/:id/mappings'),
  'PATCH /admin/ui/api/config/destinations/:id/mappings/:mappingId': viaConfigApi(
    'PATCH /admin/destinations/:id/mappings/:mappingId',
  ),
  'DELETE /admin/ui/api/config/destinations/:id/mappings/:mappingId': viaConfigApi(
    'DELETE /admin/destinations/:id/mappings/:mappingId',
  ),
  // Every source's logged events, to try a mapping on: no limited token.
  'GET /admin/ui/api/config/sample-events': {
    allowed: READERS,
    success: 200,
    scoping: 'unscoped',
    request: () => ({ path: '/admin/ui/api/config/sample-events' }),
  },
};
