import { RunningApp, StackEnv, dropDatabase, postJson, stackEnv, startApp, withDb } from '../support/stack';
import { SeededPair, seedSourceAndDestination } from '../support/seed';

/** Issue 15 item 1: a write key sent in the body is never stored, nor shown by the admin API. */
jest.setTimeout(60_000);

describe('the body writeKey is not stored', () => {
  let env: StackEnv;
  let ingest: RunningApp;
  let base: string;
  let seeded: SeededPair;

  beforeAll(async () => {
    env = stackEnv('write_key_storage');
    ingest = await startApp('ingest-api', env);
    seeded = await seedSourceAndDestination(env.DATABASE_URL, env.SECRETS_KEY);
    base = `http://127.0.0.1:${env.INGEST_PORT}`;
  });

  afterAll(async () => {
    await ingest.stop();
    await dropDatabase(env.DATABASE_URL);
  });

  const dbText = (sql: string) =>
    withDb(env.DATABASE_URL, async (db) => (await db.query<{ t: string }>(sql)).rows.map((r) => r.t).join('\n'));

  it('keeps the rest of the message, in order, and leaves no trace of the key in events, rejects or the API', async () => {
    const single = await postJson(`${base}/v1/track`, {
      writeKey: seeded.writeKey,
      messageId: 'wk-single',
      userId: 'u1',
      event: 'Signed Up',
      properties: { plan: 'pro' },
    });
    expect(single.status).toBe(200);
    const batch = await postJson(`${base}/v1/batch`, {
      writeKey: seeded.writeKey,
      batch: [
        { type: 'track', writeKey: seeded.writeKey, messageId: 'wk-batch', userId: 'u1', event: 'E' },
        { type: 'track', writeKey: seeded.writeKey, messageId: 'wk-bad' },
      ],
    });
    expect(batch.status).toBe(200);
    expect(batch.body).toMatchObject({ rejected: [{ index: 1 }] });

    const rows = await withDb(
      env.DATABASE_URL,
      async (db) =>
        (
          await db.query<{ message_id: string; raw: Record<string, unknown>; id: string }>(
            `SELECT id::text, message_id, raw FROM events ORDER BY message_id`,
          )
        ).rows,
    );
    expect(rows.map((r) => r.message_id)).toEqual(['wk-batch', 'wk-single']);
    expect(Object.keys(rows[1].raw)).toEqual(['messageId', 'userId', 'event', 'properties']);
    expect(rows[0].raw).toEqual({ type: 'track', messageId: 'wk-batch', userId: 'u1', event: 'E' });

    const stored = await dbText(
      `SELECT row_to_json(t)::text AS t FROM events t UNION ALL SELECT row_to_json(r)::text FROM rejected_events r`,
    );
    expect(stored).toContain('wk-bad');
    expect(stored).not.toContain(seeded.writeKey);

    const res = await fetch(`${base}/admin/events/${rows[1].id}`, {
      headers: { Authorization: `Bearer ${env.ADMIN_TOKEN}` },
    });
    const text = await res.text();
    expect(res.status).toBe(200);
    expect(text).toContain('Signed Up');
    expect(text).not.toContain(seeded.writeKey);
  });
});
