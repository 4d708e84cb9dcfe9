import { randomBytes } from 'crypto';
import { rmSync } from 'fs';
import { RunningApp, StackEnv, dropDatabase, stackEnv, startApp } from '../support/stack';
import { dropQueues } from '../support/delivery';
import { adminClient } from '../support/admin-client';
import { API_ROUTES } from '../support/roles-matrix/api-routes';
import { adminRoutes, recordRoutesEnv } from '../support/roles-matrix/app-routes';
import { DASHBOARD_ROUTES } from '../support/roles-matrix/dashboard-routes';
import { MatrixSetup, buildMatrix } from '../support/roles-matrix/fixture';
import { Row, VARIANTS, Where, expected } from '../support/roles-matrix/matrix';
import { UI_ROUTES } from '../support/roles-matrix/ui-routes';

/**
 * Who may do what, proved on the running app: every route under /admin it registered (the admin API, the ops page
 * and its JSON routes, the queue dashboard), listed by an onRoute hook preloaded into the app, so a new route
 * without a row here fails × every role × unlimited, limited to a destination, or limited to a source and a
 * destination × an object inside or outside that scope → the expected status.
 */
jest.setTimeout(300_000);

const ROUTES: Record<string, Row> = { ...API_ROUTES, ...UI_ROUTES, ...DASHBOARD_ROUTES };

interface Reply {
  status: number;
  text: string;
}

async function send(
  base: string,
  method: string,
  path: string,
  token: string | null,
  body: unknown,
  tokenInBody?: boolean,
): Promise<Reply> {
  const headers: Record<string, string> = {};
  if (token !== null && !tokenInBody) headers.Authorization = `Bearer ${token}`;
  const payload = tokenInBody ? { token: token ?? '' } : body;
  if (payload !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(`${base}${path}`, {
    method,
    headers,
    body: payload === undefined ? undefined : JSON.stringify(payload),
    // A redirect is the answer under test, not something to follow.
    redirect: 'manual',
  });
  return { status: res.status, text: await res.text() };
}

describe('roles × routes × scope', () => {
  let env: StackEnv;
  const apps: RunningApp[] = [];
  let base: string;
  let setup: MatrixSetup;
  const routeFile = `/tmp/fsd-routes-${randomBytes(4).toString('hex')}.jsonl`;

  beforeAll(async () => {
    env = stackEnv('roles_matrix');
    apps.push(await startApp('fake-fullstory', env));
    apps.push(await startApp('ingest-api', { ...env, ...recordRoutesEnv(routeFile) }));
    base = `http://127.0.0.1:${env.INGEST_PORT}`;
    setup = await buildMatrix(env, base);
  });

  afterAll(async () => {
    for (const app of apps.reverse()) await app.stop();
    await dropQueues(env);
    await dropDatabase(env.DATABASE_URL);
    rmSync(routeFile, { force: true });
  });

  it('has a row for every admin route the running app registered', () => {
    const registered = adminRoutes(routeFile);
    // The recorder saw the whole app: the API, the ops page's JSON routes and the dashboard's actions.
    expect(registered).toEqual(
      expect.arrayContaining([
        'GET /admin/sources',
        'GET /admin/ui/api/overview',
        'PUT /admin/queues/api/queues/:queueName/:jobId/retry',
      ]),
    );
    expect(registered).toEqual(Object.keys(ROUTES).sort());
  });

  it('gives every admin API route in the OpenAPI document a role rule', async () => {
    const doc = (await (await fetch(`${base}/docs-json`)).json()) as {
      paths: Record<string, Record<string, { 'x-permission'?: string; 'x-roles'?: string[] }>>;
    };
    const withoutRule: string[] = [];
    let documented = 0;
    for (const [path, item] of Object.entries(doc.paths)) {
      if (!path.startsWith('/admin/')) continue;
      for (const [method, op] of Object.entries(item)) {
        documented += 1;
        if (!op['x-permission'] || !op['x-roles']?.length) withoutRule.push(`${method.toUpperCase()} ${path}`);
      }
    }
    expect(withoutRule).toEqual([]);
    expect(documented).toBe(Object.keys(API_ROUTES).length);
  });

  it('shows a limited token only the deletions that target its scope, with or without deliveries', async () => {
    const call = adminClient(base);
    const { fixture, deletionOfAll } = setup;
    const ids = async (token: string) =>
      ((await call('GET', '/admin/deletions', token)).body.deletions as Array<{ id: string }>).map((d) => d.id);
    // Before the matrix adds its own. Newest first; the unlimited admin sees all four.
    expect(await ids(env.ADMIN_TOKEN)).toEqual([deletionOfAll, fixture.x.outside, fixture.x.inside, fixture.xNone]);
    for (const label of ['privacy limited to D1', 'privacy limited to S1+D1', 'auditor limited to D1']) {
      const token = setup.tokens.get(label) as string;
      expect(await ids(token)).toEqual([fixture.x.inside]);
      for (const id of [fixture.xNone, deletionOfAll, fixture.x.outside]) {
        expect((await call('GET', `/admin/deletions/${id}`, token)).status).toBe(404);
      }
      expect((await call('GET', `/admin/deletions/${fixture.x.inside}`, token)).status).toBe(200);
    }
    // The one without deliveries is there for a token limited to nothing.
    const none = await call('GET', `/admin/deletions/${fixture.xNone}`, setup.tokens.get('privacy') as string);
    expect(none.status).toBe(200);
    expect(none.body.destinations).toEqual([]);
  });

  it('keeps a limited token’s lists inside its scope', async () => {
    const call = adminClient(base);
    const { fixture } = setup;
    const token = setup.tokens.get('auditor limited to S1+D1') as string;
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

  it('answers every route × role × scope × inside/outside as expected', async () => {
    const mismatches: string[] = [];
    let checked = 0;
    // One route at a time, in the table's order; its variants at once (each request names its own fresh objects).
    for (const [key, row] of Object.entries(ROUTES)) {
      const method = key.split(' ')[0];
      const cases = VARIANTS.flatMap((v) => (['inside', 'outside'] as Where[]).map((where) => ({ v, where })));
      const run = async ({ v, where }: (typeof cases)[number]) => {
        const req = await row.request(setup.fixture, where, setup.fresh);
        const token = v.role === null ? null : (setup.tokens.get(v.label) as string);
        const res = await send(base, method, req.path, token, req.body, req.tokenInBody);
        const want = expected(row, v, where);
        checked += 1;
        if (res.status !== want) {
          mismatches.push(`${key} as ${v.label}, ${where}: ${res.status} (expected ${want}) ${res.text.slice(0, 160)}`);
        }
      };
      if (row.serial) for (const c of cases) await run(c);
      else await Promise.all(cases.map(run));
    }
    expect(mismatches.sort()).toEqual([]);
    expect(checked).toBe(Object.keys(ROUTES).length * VARIANTS.length * 2);
  });
});
