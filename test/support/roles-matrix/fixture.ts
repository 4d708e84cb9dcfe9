import { AdminReply, adminClient } from '../admin-client';
import { StackEnv, basicAuth, waitFor } from '../stack';
import { MAPPING } from './api-routes';
import { Fixture, Fresh, VARIANTS } from './matrix';

export interface MatrixSetup {
  fixture: Fixture;
  fresh: Fresh;
  /** Each variant's token, by label (the bootstrap ADMIN_TOKEN for `admin`). */
  tokens: Map<string, string>;
  /** A deletion of every destination (D1, D2 and the dashboard's): outside every limited token's scope. */
  deletionOfAll: string;
}

/**
 * Two sources S1 → D1 and S2 → D2 with a mapping, an event and a completed replay each; deletions of D1, of D2, of
 * nothing (made before any destination exists, so it has no deliveries) and of everything; a third destination
 * whose queue the dashboard's actions use; one token per variant.
 */
export async function buildMatrix(env: StackEnv, base: string): Promise<MatrixSetup> {
  const call = adminClient(base);
  const admin = async (method: string, path: string, body?: unknown): Promise<AdminReply> => {
    const res = await call(method, path, env.ADMIN_TOKEN, body);
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${res.text}`);
    return res;
  };
  const deletion = async (destinationIds?: string[]) =>
    (await admin('POST', '/admin/deletions', { userId: 'matrix-gone', destinationIds })).body.id as string;
  const deletionOfNothing = await deletion();

  const s1 = await admin('POST', '/admin/sources', { name: 'S1' });
  const s2 = await admin('POST', '/admin/sources', { name: 'S2' });
  const source = (r: AdminReply) => r.body.id as string;
  const dest = async (name: string, sourceIds: string[]) =>
    (await admin('POST', '/admin/destinations', { name, apiKey: `${name}-key`, sourceIds })).body.id as string;
  const d1 = await dest('D1', [source(s1)]);
  const d2 = await dest('D2', [source(s2)]);
  const d3 = await dest('D3 dashboard', []);
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
    if (res.status !== 200) throw new Error(`track: ${res.status}`);
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
        // A range that matches nothing and is still within event retention (a replay may not reach before it).
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
  const queue = `delivery-{${d3}}`;
  const fixture: Fixture = {
    s: { inside: source(s1), outside: source(s2) },
    d: { inside: d1, outside: d2 },
    m: { inside: await mapping(d1), outside: await mapping(d2) },
    e: { inside: eventOf(source(s1)), outside: eventOf(source(s2)) },
    r: { inside: r1, outside: r2 },
    x: { inside: await deletion([d1]), outside: await deletion([d2]) },
    xNone: deletionOfNothing,
    queue: { name: queue, encoded: encodeURIComponent(queue) },
    from: new Date(Date.now() - 3600_000).toISOString(),
    to: new Date(Date.now() + 3600_000).toISOString(),
  };
  const deletionOfAll = await deletion();
  const fresh: Fresh = {
    source: async () => source(await admin('POST', '/admin/sources', { name: 'fresh' })),
    destination: async () => dest('fresh', [source(s1)]),
    mapping,
    token: async () => (await admin('POST', '/admin/tokens', { name: 'fresh', role: 'auditor' })).body.id as string,
    pauseQueue: async () => {
      await admin('PUT', `/admin/queues/api/queues/${fixture.queue.encoded}/pause`, {});
    },
  };
  const tokens = new Map<string, string>();
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
  return { fixture, fresh, tokens, deletionOfAll };
}
