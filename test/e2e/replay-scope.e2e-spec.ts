import { generateWriteKey, hashWriteKey } from '@fsd/platform';
import { StackEnv, basicAuth, postJson, waitFor, withDb } from '../support/stack';
import { SeededPair } from '../support/seed';
import { FakeFullStory } from '../support/delivery';
import { useStack } from '../support/use-stack';

/**
 * Issue 16, item 4: a replay sends a destination only the events of the sources connected to it
 * (one source's data never reaches another FullStory account); `sourceIds` narrows within those.
 * Three sources: A and C connected to the destination, B connected to nothing.
 */
jest.setTimeout(120_000);

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

describe('replays stay inside the sources connected to their destination', () => {
  let env: StackEnv;
  let ingest: string;
  let fake: FakeFullStory;
  let a: SeededPair;
  let b: { sourceId: string; writeKey: string };
  let c: { sourceId: string; writeKey: string };
  const t0 = new Date(Date.now() - 60_000).toISOString();
  let to: string;

  async function admin(method: string, path: string, body?: unknown): Promise<{ status: number; body: Json }> {
    const res = await fetch(`${ingest}${path}`, {
      method,
      headers: { Authorization: `Bearer ${env.ADMIN_TOKEN}`, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Json };
  }

  async function addSource(name: string, connect: boolean): Promise<{ sourceId: string; writeKey: string }> {
    const writeKey = generateWriteKey();
    return withDb(env.DATABASE_URL, async (db) => {
      const { rows } = await db.query<{ id: string }>(
        'INSERT INTO sources (name, write_key_hash, write_key_hint) VALUES ($1, $2, $3) RETURNING id',
        [name, hashWriteKey(writeKey), writeKey.slice(0, 8)],
      );
      if (connect) {
        await db.query('INSERT INTO destination_sources (destination_id, source_id) VALUES ($1, $2)', [
          a.destinationId,
          rows[0].id,
        ]);
      }
      return { sourceId: rows[0].id, writeKey };
    });
  }

  async function track(writeKey: string, event: string, n: number): Promise<void> {
    for (let i = 0; i < n; i++) {
      const res = await postJson(
        `${ingest}/v1/track`,
        { messageId: `${event}-${i}`, userId: `user-${i}`, event },
        { Authorization: basicAuth(writeKey) },
      );
      expect(res).toMatchObject({ status: 200, body: { success: true } });
    }
  }

  const replay = (filter: Json, extra: Json = {}) =>
    admin('POST', '/admin/replays', { destinationId: a.destinationId, filter: { from: t0, to, ...filter }, ...extra });

  async function finished(id: string, delivered: number): Promise<Json> {
    return waitFor(`replay ${id} to finish`, async () => {
      const r = await admin('GET', `/admin/replays/${id}`);
      return r.body.status === 'completed' && r.body.delivered === delivered ? r.body : null;
    });
  }

  const names = async () => (await fake.events()).map((e) => e.name).sort();

  // Sources B and C are in place before the worker starts (it reads the destination's sources as it needs them).
  useStack(
    'replay_scope',
    {},
    {
      beforeWorker: async (stack) => {
        ({ env, ingest, fake, seeded: a } = stack);
        b = await addSource('unconnected source', false);
        c = await addSource('second connected source', true);
      },
    },
  );

  beforeAll(async () => {
    await track(a.writeKey, 'From A', 3);
    await track(b.writeKey, 'From B', 4);
    await track(c.writeKey, 'From C', 2);
    await waitFor('the connected sources delivered, all nine events logged', () =>
      withDb(env.DATABASE_URL, async (db) => {
        const events = await db.query('SELECT 1 FROM events');
        const delivered = await db.query(`SELECT 1 FROM deliveries WHERE status = 'delivered'`);
        return events.rowCount === 9 && delivered.rowCount === 5;
      }),
    );
    to = new Date(Date.now() + 1000).toISOString();
  });

  it('the dry run counts only the connected sources, and sourceIds narrows within them', async () => {
    const all = await replay({}, { dryRun: true });
    expect(all.status).toBe(200);
    expect(all.body.matched).toBe(5);
    expect(all.body.sample.map((e: Json) => e.event).sort()).toEqual([
      'From A',
      'From A',
      'From A',
      'From C',
      'From C',
    ]);

    const onlyC = await replay({ sourceIds: [c.sourceId] }, { dryRun: true });
    expect(onlyC.body).toMatchObject({ matched: 2, filter: { sourceIds: [c.sourceId] } });
    const both = await replay({ sourceIds: [a.sourceId, c.sourceId.toUpperCase()] }, { dryRun: true });
    expect(both.body.matched).toBe(5);
  });

  it('refuses a source not connected to the destination with 400 source_not_connected', async () => {
    for (const sourceIds of [[b.sourceId], [a.sourceId, b.sourceId]]) {
      const res = await replay({ sourceIds }, { dryRun: true });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('source_not_connected');
      expect(res.body.details).toEqual([`sourceIds: ${b.sourceId} is not connected to destination ${a.destinationId}`]);
    }
    const notUuid = await replay({ sourceIds: ['nope'] }, { dryRun: true });
    expect(notUuid.status).toBe(400);
    const empty = await replay({ sourceIds: [] }, { dryRun: true });
    expect(empty.status).toBe(400);
    // Nothing was started by the refused requests.
    expect((await admin('GET', '/admin/replays')).body.replays).toEqual([]);
  });

  it('a real replay sends exactly the connected sources’ events, narrowed by sourceIds', async () => {
    await fake.reset();
    const narrowed = await replay({ sourceIds: [a.sourceId] }, { ratePerSecond: 100 });
    expect(narrowed.status).toBe(202);
    expect(await finished(narrowed.body.id, 3)).toMatchObject({ matched: 3, enqueued: 3, failed: 0, inFlight: 0 });
    expect(await names()).toEqual(['From A', 'From A', 'From A']);

    await fake.reset();
    const whole = await replay({}, { ratePerSecond: 100 });
    expect(await finished(whole.body.id, 5)).toMatchObject({ matched: 5, enqueued: 5, failed: 0, inFlight: 0 });
    expect(await names()).toEqual(['From A', 'From A', 'From A', 'From C', 'From C']);

    // The unconnected source's events never got a delivery to this destination.
    const bDeliveries = await withDb(env.DATABASE_URL, (db) =>
      db.query('SELECT 1 FROM deliveries d JOIN events e ON e.id = d.event_id WHERE e.source_id = $1', [b.sourceId]),
    );
    expect(bDeliveries.rowCount).toBe(0);
  });

  it('follows the connections as they are now: a disconnected source drops out of the selection', async () => {
    await withDb(env.DATABASE_URL, (db) =>
      db.query('DELETE FROM destination_sources WHERE destination_id = $1 AND source_id = $2', [
        a.destinationId,
        c.sourceId,
      ]),
    );
    const all = await replay({}, { dryRun: true });
    expect(all.body.matched).toBe(3);
    const res = await replay({ sourceIds: [c.sourceId] }, { dryRun: true });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('source_not_connected');
  });

  it('a redrive still selects a failed delivery of a source disconnected since (it was meant for this destination)', async () => {
    // C was disconnected above; one of its deliveries to the destination is marked failed.
    await withDb(env.DATABASE_URL, (db) =>
      db.query(
        `UPDATE deliveries SET status = 'failed' WHERE id = (
           SELECT d.id FROM deliveries d JOIN events e ON e.id = d.event_id WHERE e.source_id = $1 ORDER BY d.id LIMIT 1)`,
        [c.sourceId],
      ),
    );
    const dry = await admin('POST', '/admin/deliveries/redrive', { destinationId: a.destinationId, dryRun: true });
    expect(dry).toEqual({ status: 200, body: { dryRun: true, matched: 1 } });
  });
});
