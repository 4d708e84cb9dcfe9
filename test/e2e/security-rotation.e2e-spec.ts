import { spawnSync } from 'child_process';
import { createCipheriv, createHash, randomBytes, randomUUID } from 'crypto';
import { deriveKeys } from '@fsd/platform';
import { ROOT, RunningApp, StackEnv, dropDatabase, freePort, stackEnv, startApp, withDb } from '../support/stack';

/**
 * Issue 17 item 4: API keys sealed under keys derived from SECRETS_KEY, bound to their row, and rotated without
 * downtime with `npm run rotate-secrets`, against real Postgres and the real built apps. A row written before
 * key derivation (`v1`) keeps working through the upgrade and the rotation.
 */
jest.setTimeout(180_000);

type Json = Record<string, unknown>;

const OLD_KEY = `old-secrets-key-${randomBytes(8).toString('hex')}`;
const NEW_KEY = `new-secrets-key-${randomBytes(8).toString('hex')}`;
// The fake FullStory accepts this key, so test-connection answers ok only when the key opened correctly.
const API_KEY = 'test-api-key';

let env: StackEnv;
let fake: RunningApp | undefined;
let ingest: RunningApp | undefined;
let created: string;
const legacy = randomUUID();

/** How versions before key derivation sealed a value: AES-256-GCM under SHA-256(SECRETS_KEY), no binding. */
function legacySeal(secretsKey: string, plaintext: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', createHash('sha256').update(secretsKey).digest(), iv);
  const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return ['v1', iv, cipher.getAuthTag(), ct]
    .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
    .join('.');
}

async function restartIngest(keys: { SECRETS_KEY: string; SECRETS_KEY_PREVIOUS?: string }): Promise<void> {
  await ingest?.stop();
  ingest = await startApp('ingest-api', { ...env, SECRETS_KEY_PREVIOUS: '', ...keys });
}

async function testConnection(id: string, port = env.INGEST_PORT): Promise<Json> {
  const res = await fetch(`http://127.0.0.1:${port}/admin/destinations/${id}/test-connection`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${env.ADMIN_TOKEN}`, 'Content-Type': 'application/json' },
    body: '{}',
  });
  expect(res.status).toBe(200);
  return (await res.json()) as Json;
}

const OK = { ok: true, status: 200, message: 'Credentials are valid: 200 OK' };

function rotate(keys: { SECRETS_KEY: string; SECRETS_KEY_PREVIOUS?: string }) {
  const run = spawnSync(process.execPath, ['tools/run.js', 'libs/platform/src/cli/rotate-secrets'], {
    cwd: ROOT,
    env: {
      ...process.env,
      ...env,
      ...keys,
      NODE_ENV: 'test',
      DEV_SECRETS_FILE: `/tmp/fsd-test-secrets-${env.QUEUE_PREFIX}.json`,
    },
    encoding: 'utf8',
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

async function storedValues(): Promise<Record<string, string>> {
  return withDb(env.DATABASE_URL, async (c) => {
    const { rows } = await c.query<{ id: string; v: string }>(
      'SELECT id::text, api_key_encrypted AS v FROM destinations',
    );
    return Object.fromEntries(rows.map((r) => [r.id, r.v]));
  });
}

beforeAll(async () => {
  env = stackEnv('security_rotation', { SECRETS_KEY: OLD_KEY });
  fake = await startApp('fake-fullstory', env);
  await restartIngest({ SECRETS_KEY: OLD_KEY });
  const res = await fetch(`http://127.0.0.1:${env.INGEST_PORT}/admin/destinations`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${env.ADMIN_TOKEN}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ name: 'sealed', sourceIds: [], apiKey: API_KEY }),
  });
  expect(res.status).toBe(201);
  created = ((await res.json()) as Json).id as string;
  await withDb(env.DATABASE_URL, (c) =>
    c.query('INSERT INTO destinations (id, name, api_key_encrypted) VALUES ($1, $2, $3)', [
      legacy,
      'from before the upgrade',
      legacySeal(OLD_KEY, API_KEY),
    ]),
  );
});

afterAll(async () => {
  await ingest?.stop();
  await fake?.stop();
  await dropDatabase(env.DATABASE_URL);
});

it('seals new keys as v2 under the derived key id; a legacy v1 row still opens', async () => {
  const stored = await storedValues();
  expect(stored[created]).toMatch(new RegExp(`^v2\\.${deriveKeys(OLD_KEY).id}\\.`));
  expect(stored[legacy]).toMatch(/^v1\./);
  expect(await testConnection(created)).toEqual(OK);
  expect(await testConnection(legacy)).toEqual(OK);
});

it('rotates: new key with the old one as previous, re-seal, then the old key is no longer needed', async () => {
  await restartIngest({ SECRETS_KEY: NEW_KEY, SECRETS_KEY_PREVIOUS: OLD_KEY });
  expect(await testConnection(created)).toEqual(OK);
  expect(await testConnection(legacy)).toEqual(OK);

  const first = rotate({ SECRETS_KEY: NEW_KEY, SECRETS_KEY_PREVIOUS: OLD_KEY });
  expect(first).toMatchObject({ status: 0, stderr: '' });
  const newId = deriveKeys(NEW_KEY).id;
  expect(first.stdout).toBe(`rotate-secrets: 2 of 2 destination keys re-sealed under key ${newId}\n`);
  const stored = await storedValues();
  for (const id of [created, legacy]) expect(stored[id]).toMatch(new RegExp(`^v2\\.${newId}\\.`));
  expect(JSON.stringify(stored)).not.toContain(API_KEY);

  expect(rotate({ SECRETS_KEY: NEW_KEY }).stdout).toBe(
    `rotate-secrets: 0 of 2 destination keys re-sealed under key ${newId}\n`,
  );
  await restartIngest({ SECRETS_KEY: NEW_KEY });
  expect(await testConnection(created)).toEqual(OK);
  expect(await testConnection(legacy)).toEqual(OK);
});

it('a sealed key copied to another row does not open there', async () => {
  await withDb(env.DATABASE_URL, (c) =>
    c.query(
      'UPDATE destinations SET api_key_encrypted = (SELECT api_key_encrypted FROM destinations WHERE id = $1) WHERE id = $2',
      [created, legacy],
    ),
  );
  expect(await testConnection(legacy)).toEqual({
    ok: false,
    status: null,
    message:
      'Cannot decrypt a stored secret: SECRETS_KEY differs from the one it was encrypted with, or the value belongs to another row',
  });
});

it('reports values no key opens, by id, and exits 1', async () => {
  const run = rotate({ SECRETS_KEY: `unrelated-key-${randomBytes(8).toString('hex')}` });
  expect(run.status).toBe(1);
  expect(run.stderr).toContain('2 keys open with neither SECRETS_KEY nor SECRETS_KEY_PREVIOUS');
  expect(run.stderr).toContain(created);
  expect(run.stderr).not.toContain(API_KEY);
});

it('mid-rollout, instances at steps 1 and 2 run side by side and open what the other sealed (no downtime)', async () => {
  const NEWER_KEY = `newer-secrets-key-${randomBytes(8).toString('hex')}`;
  // Step 1 (this instance): the current key, the next one as previous. Step 2 (the other): the next key, the
  // current one as previous. Both serve at once, as during a rolling restart.
  await restartIngest({ SECRETS_KEY: NEW_KEY, SECRETS_KEY_PREVIOUS: NEWER_KEY });
  const step1 = env.INGEST_PORT;
  const step2 = String(freePort());
  const other = await startApp('ingest-api', {
    ...env,
    INGEST_PORT: step2,
    SECRETS_KEY: NEWER_KEY,
    SECRETS_KEY_PREVIOUS: NEW_KEY,
  });
  try {
    const createOn = async (port: string, name: string) => {
      const res = await fetch(`http://127.0.0.1:${port}/admin/destinations`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${env.ADMIN_TOKEN}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ name, sourceIds: [], apiKey: API_KEY }),
      });
      expect(res.status).toBe(201);
      return ((await res.json()) as Json).id as string;
    };
    const sealedByStep1 = await createOn(step1, 'sealed at step 1');
    const sealedByStep2 = await createOn(step2, 'sealed at step 2');
    const stored = await storedValues();
    expect(stored[sealedByStep1]).toMatch(new RegExp(`^v2\\.${deriveKeys(NEW_KEY).id}\\.`));
    expect(stored[sealedByStep2]).toMatch(new RegExp(`^v2\\.${deriveKeys(NEWER_KEY).id}\\.`));
    expect(await testConnection(sealedByStep2, step1)).toEqual(OK);
    expect(await testConnection(sealedByStep1, step2)).toEqual(OK);
  } finally {
    await other.stop();
  }
});
