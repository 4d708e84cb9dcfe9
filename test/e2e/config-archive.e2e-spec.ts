import { StackEnv, basicAuth, postJson, waitFor, withDb } from '../support/stack';
import { SeededPair } from '../support/seed';
import { useStack } from '../support/use-stack';

/** Issue 15 item 4: deleting a destination or a source archives it; the audit trail stays. */
jest.setTimeout(120_000);

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

describe('archiving destinations and sources', () => {
  const stack = useStack('config_archive');
  let env: StackEnv;
  let ingest: string;
  let seeded: SeededPair;
  // The spec's shorthands for the stack's parts (set once useStack's beforeAll has run).
  beforeAll(() => ({ env, ingest, seeded } = stack));

  const admin = async (method: string, path: string): Promise<{ status: number; body: Json }> => {
    const res = await fetch(`${ingest}${path}`, { method, headers: { Authorization: `Bearer ${env.ADMIN_TOKEN}` } });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as Json) : {} };
  };
  const track = (messageId: string) =>
    postJson(
      `${ingest}/v1/track`,
      { messageId, userId: 'u1', event: 'E' },
      { Authorization: basicAuth(seeded.writeKey) },
    );
  /** What the operations views show of the seeded destination. */
  let cookie = '';
  const opsViews = async () => {
    if (!cookie) {
      const login = await fetch(`${ingest}/admin/ui/login`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ token: env.ADMIN_TOKEN }),
      });
      expect(login.status).toBe(204);
      cookie = (login.headers.get('set-cookie') ?? '').split(';')[0];
    }
    const overview = (await (await fetch(`${ingest}/admin/ui/api/overview`, { headers: { cookie } })).json()) as Json;
    const bearer = { Authorization: `Bearer ${env.ADMIN_TOKEN}` };
    const board = (await (await fetch(`${ingest}/admin/queues/api/queues`, { headers: bearer })).json()) as Json;
    const gauge = `fsd_queue_jobs{destination="${seeded.destinationId}"`;
    const metrics = async (port: string) => (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    return {
      overview: (overview.destinations as Json[]).map((d) => d.id as string),
      queues: (board.queues as Json[]).map((q) => q.name as string).filter((n) => n.includes(seeded.destinationId)),
      ingestGauges: (await metrics(env.INGEST_PORT)).includes(gauge),
      workerGauges: (await metrics(env.WORKER_PORT)).includes(gauge),
    };
  };
  const query = (sql: string, values: unknown[] = []) =>
    withDb(env.DATABASE_URL, async (db) => (await db.query(sql, values)).rows as Json[]);

  it('keeps an archived destination’s deliveries and attempts, hides it, destroys its key and sends it nothing', async () => {
    expect((await track('m1')).status).toBe(200);
    const [event] = await waitFor('m1 delivered', async () => {
      const rows = await query(
        `SELECT e.id::text AS id FROM events e JOIN deliveries d ON d.event_id = e.id
          WHERE e.message_id = 'm1' AND d.status = 'delivered'`,
      );
      return rows.length === 1 && rows;
    });

    // Before archiving: on the ops overview, the queue dashboard and both apps' queue gauges.
    const views = await waitFor('the destination on every ops view', async () => {
      const v = await opsViews();
      return v.overview.length === 1 && v.queues.length === 1 && v.ingestGauges && v.workerGauges && v;
    });
    expect(views.overview).toEqual([seeded.destinationId]);

    expect((await admin('DELETE', `/admin/destinations/${seeded.destinationId}`)).status).toBe(204);
    // Archived: gone from the overview, the dashboard's queue list and the per-destination gauges.
    await waitFor('the archived destination gone from every ops view', async () => {
      const v = await opsViews();
      return v.overview.length === 0 && v.queues.length === 0 && !v.ingestGauges && !v.workerGauges;
    });
    expect(await opsViews()).toEqual({ overview: [], queues: [], ingestGauges: false, workerGauges: false });
    expect((await admin('GET', `/admin/destinations/${seeded.destinationId}`)).status).toBe(404);
    expect((await admin('GET', '/admin/destinations')).body.destinations).toEqual([]);
    const all = (await admin('GET', '/admin/destinations?includeArchived=true')).body.destinations as Json[];
    expect(all).toEqual([expect.objectContaining({ id: seeded.destinationId, archivedAt: expect.any(String) })]);
    expect(await query('SELECT api_key_encrypted, enabled FROM destinations')).toEqual([
      { api_key_encrypted: '', enabled: false },
    ]);

    const detail = await admin('GET', `/admin/events/${event.id}`);
    expect(detail.status).toBe(200);
    expect(detail.body.deliveries).toEqual([
      expect.objectContaining({ destinationId: seeded.destinationId, status: 'delivered' }),
    ]);
    expect(JSON.stringify(detail.body.deliveries[0])).toContain('"decision":"delivered"');

    expect((await track('m2')).status).toBe(200);
    expect(
      await query(
        `SELECT count(*)::int AS n FROM deliveries d JOIN events e ON e.id = d.event_id WHERE e.message_id = 'm2'`,
      ),
    ).toEqual([{ n: 0 }]);
    expect((await admin('DELETE', `/admin/destinations/${seeded.destinationId}`)).status).toBe(404);
  });

  it('destroys an archived source’s write key and keeps its events', async () => {
    expect((await admin('DELETE', `/admin/sources/${seeded.sourceId}`)).status).toBe(204);
    expect((await track('m3')).status).toBe(401);
    expect((await admin('GET', '/admin/sources')).body.sources).toEqual([]);
    const all = (await admin('GET', '/admin/sources?includeArchived=true')).body.sources as Json[];
    expect(all).toEqual([expect.objectContaining({ id: seeded.sourceId, archivedAt: expect.any(String) })]);
    expect(await query(`SELECT message_id FROM events ORDER BY message_id`)).toEqual([
      { message_id: 'm1' },
      { message_id: 'm2' },
    ]);
    expect(await query(`SELECT count(*)::int AS n FROM sources WHERE write_key_hash LIKE 'archived:%'`)).toEqual([
      { n: 1 },
    ]);
  });
});
