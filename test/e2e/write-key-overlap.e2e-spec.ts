import { RunningApp, StackEnv, basicAuth, dropDatabase, stackEnv, startApp, waitFor, withDb } from '../support/stack';

/**
 * `POST /admin/sources/:id/rotate-write-key {"overlapSeconds"}`: the new key is answered once, the replaced
 * key keeps working until the overlap ends (then 401), and a rotation without overlap stops the old key at once.
 */
jest.setTimeout(120_000);

type Json = Record<string, unknown>;

describe('write key rotation with an overlap window', () => {
  let env: StackEnv;
  let api: RunningApp;
  let base: string;

  const admin = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${env.ADMIN_TOKEN}`,
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : {}) as Json };
  };
  let accepted = 0;
  const track = async (key: string) => {
    const { status } = await fetch(`${base}/v1/track`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: basicAuth(key) },
      body: JSON.stringify({ userId: 'u1', event: 'E' }),
    });
    if (status === 200) accepted += 1;
    return status;
  };

  beforeAll(async () => {
    env = stackEnv('wk_overlap');
    api = await startApp('ingest-api', env);
    base = `http://127.0.0.1:${env.INGEST_PORT}`;
  });

  afterAll(async () => {
    await api?.stop();
    if (env) await dropDatabase(env.DATABASE_URL);
  });

  it('accepts both keys during the overlap and only the new one after it', async () => {
    const created = await admin('POST', '/admin/sources', { name: 'Overlap' });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    const oldKey = created.body.writeKey as string;
    expect(created.body.previousWriteKey).toBeNull();
    expect(await track(oldKey)).toBe(200);

    for (const overlapSeconds of [-1, 1.5, 7 * 24 * 3600 + 1, 'soon']) {
      const bad = await admin('POST', `/admin/sources/${id}/rotate-write-key`, { overlapSeconds });
      expect({ overlapSeconds, status: bad.status }).toEqual({ overlapSeconds, status: 400 });
    }

    const rotated = await admin('POST', `/admin/sources/${id}/rotate-write-key`, { overlapSeconds: 3 });
    expect(rotated.status).toBe(200);
    const newKey = rotated.body.writeKey as string;
    expect(newKey).toMatch(/^wk_/);
    expect(newKey).not.toBe(oldKey);
    const previous = rotated.body.previousWriteKey as { hint: string; expiresAt: string };
    expect(previous.hint).toBe(oldKey.slice(0, 8));
    const endsAt = Date.parse(previous.expiresAt);

    // The new key is shown once: reads carry hints only.
    const read = await admin('GET', `/admin/sources/${id}`);
    expect(read.body.writeKey).toBeUndefined();
    expect(read.body.writeKeyHint).toBe(newKey.slice(0, 8));
    expect(read.body.previousWriteKey).toEqual(previous);
    expect(JSON.stringify(read.body)).not.toContain(oldKey);

    expect(await track(newKey)).toBe(200);
    expect(await track(oldKey)).toBe(200);

    // Once the overlap ends the old key is refused (the positive cache does not outlive the window).
    const refusedAt = await waitFor('the old key to stop working', async () =>
      (await track(oldKey)) === 401 ? Date.now() : null,
    );
    expect(refusedAt).toBeGreaterThanOrEqual(endsAt);
    expect(await track(newKey)).toBe(200);
    expect((await admin('GET', `/admin/sources/${id}`)).body.previousWriteKey).toBeNull();

    // Every event accepted with either key (the polls above included) belongs to the source.
    const stored = await withDb(env.DATABASE_URL, async (c) =>
      Number((await c.query('SELECT count(*) AS n FROM events WHERE source_id = $1', [id])).rows[0].n),
    );
    expect(stored).toBe(accepted);
    expect(accepted).toBeGreaterThanOrEqual(5);
  });

  it('stops the old key at once without an overlap, and keeps at most two keys working', async () => {
    const created = await admin('POST', '/admin/sources', { name: 'Chain' });
    const id = created.body.id as string;
    const first = created.body.writeKey as string;
    const second = (await admin('POST', `/admin/sources/${id}/rotate-write-key`, { overlapSeconds: 3600 })).body
      .writeKey as string;
    expect(await track(first)).toBe(200);
    // A second rotation with overlap keeps only the key it replaces.
    const third = (await admin('POST', `/admin/sources/${id}/rotate-write-key`, { overlapSeconds: 3600 })).body
      .writeKey as string;
    expect(await track(first)).toBe(401);
    expect(await track(second)).toBe(200);
    expect(await track(third)).toBe(200);
    // No body at all: no overlap, the replaced key stops at once.
    const res = await fetch(`${base}/admin/sources/${id}/rotate-write-key`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${env.ADMIN_TOKEN}` },
    });
    expect(res.status).toBe(200);
    const fourth = ((await res.json()) as Json).writeKey as string;
    expect(await track(second)).toBe(401);
    expect(await track(third)).toBe(401);
    expect(await track(fourth)).toBe(200);

    // Archiving destroys the previous key too.
    const fifth = (await admin('POST', `/admin/sources/${id}/rotate-write-key`, { overlapSeconds: 3600 })).body
      .writeKey as string;
    expect(await track(fourth)).toBe(200);
    expect((await admin('DELETE', `/admin/sources/${id}`)).status).toBe(204);
    expect(await track(fourth)).toBe(401);
    expect(await track(fifth)).toBe(401);
  });
});
