import net from 'net';
import { request } from 'undici';
import { generateHostile } from '../hostile/generate';
import { RunningApp, dropDatabase, postJson, basicAuth, stackEnv, startApp, withDb } from '../support/stack';
import { seedSourceAndDestination } from '../support/seed';

function rssMb(pid: number): number {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const status = require('fs').readFileSync(`/proc/${pid}/status`, 'utf8') as string;
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

const HOSTILE_KINDS = [
  'bad-auth',
  'bad-gzip',
  'deep-nesting',
  'deep-objects',
  'empty-body',
  'gzip-bomb',
  'huge-numbers',
  'huge-strings',
  'invalid-utf8',
  'malformed-json',
  'oversize',
  'proto-keys',
  'truncated-json',
  'unknown-encoding',
  'wrong-content-type',
  'wrong-types',
];

/** Issue 8: 10,000 generated bad requests, each answered with a JSON 4xx; the process survives. */
describe('hostile input', () => {
  const env = stackEnv('hostile', { INGEST_REQUEST_TIMEOUT_MS: '1500' });
  let ingest: RunningApp;
  let writeKey: string;
  let base: string;

  beforeAll(async () => {
    ingest = await startApp('ingest-api', env);
    writeKey = (await seedSourceAndDestination(env.DATABASE_URL, env.SECRETS_KEY)).writeKey;
    base = `http://127.0.0.1:${env.INGEST_PORT}`;
  });

  afterAll(async () => {
    await ingest.stop();
    await dropDatabase(env.DATABASE_URL);
  });

  it('answers 10,000 bad requests with JSON 4xx, never a 5xx or a hang, in bounded memory', async () => {
    const requests = generateHostile(10_000, writeKey);
    const failures: string[] = [];
    const byKind = new Map<string, number>();
    let peakRss = 0;
    let next = 0;
    const worker = async () => {
      while (next < requests.length) {
        const r = requests[next++];
        byKind.set(r.kind, (byKind.get(r.kind) ?? 0) + 1);
        try {
          const res = await request(`${base}${r.path}`, {
            method: 'POST',
            headers: r.headers,
            body: r.body,
            headersTimeout: 10_000,
            bodyTimeout: 10_000,
          });
          const text = await res.body.text();
          let parsed: { success?: unknown; code?: unknown } | undefined;
          try {
            parsed = JSON.parse(text);
          } catch {
            parsed = undefined;
          }
          const ok4xx = res.statusCode >= 400 && res.statusCode < 500;
          const accepted = res.statusCode === 200 && r.kind === 'proto-keys';
          if ((!ok4xx && !accepted) || !parsed || (typeof parsed.code !== 'string' && !accepted)) {
            failures.push(`${r.kind} ${r.path} → ${res.statusCode} ${text.slice(0, 200)}`);
          }
        } catch (e) {
          failures.push(`${r.kind} ${r.path} → ${(e as Error).message}`);
        }
        if (next % 500 === 0) peakRss = Math.max(peakRss, rssMb(ingest.process.pid as number));
      }
    };
    await Promise.all(Array.from({ length: 16 }, worker));
    expect(failures.slice(0, 20)).toEqual([]);
    // The generator cycles through its 16 kinds: 625 requests of each were sent.
    expect(Object.fromEntries(byKind)).toEqual(Object.fromEntries(HOSTILE_KINDS.map((k) => [k, 625])));
    expect(ingest.process.exitCode).toBeNull();
    expect(peakRss).toBeLessThan(400);
    expect((await fetch(`${base}/health`)).status).toBe(200);
  });

  it('answers a slow-loris body with a JSON 408 and closes the connection', async () => {
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(Number(env.INGEST_PORT), '127.0.0.1', () => {
        socket.write(
          `POST /v1/track HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nAuthorization: ${basicAuth(writeKey)}\r\nContent-Length: 1000\r\n\r\n{"type":`,
        );
      });
      let data = '';
      socket.on('data', (d) => (data += d.toString()));
      socket.on('close', () => resolve(data));
      socket.on('error', reject);
      setTimeout(() => reject(new Error(`no answer; got ${data}`)), 15_000).unref();
    });
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
    expect(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4))).toMatchObject({
      success: false,
      code: 'request_timeout',
    });
  });

  it('keeps __proto__ and constructor keys as data and pollutes no prototype', async () => {
    const res = await postJson(
      `${base}/v1/track`,
      JSON.parse(
        '{"type":"track","userId":"proto-user","event":"E","messageId":"proto-1","__proto__":{"polluted":"yes"},"properties":{"__proto__":{"isAdmin":true},"constructor":{"prototype":{"polluted":"yes"}}}}',
      ),
      { Authorization: basicAuth(writeKey) },
    );
    expect(res.status).toBe(200);
    const follow = await postJson(
      `${base}/v1/track`,
      { userId: 'plain-user', event: 'E', messageId: 'proto-2' },
      { Authorization: basicAuth(writeKey) },
    );
    expect(follow.status).toBe(200);
    const rows = await withDb(
      env.DATABASE_URL,
      async (db) =>
        (
          await db.query(
            `SELECT message_id, payload::text AS p FROM events WHERE message_id IN ('proto-1','proto-2') ORDER BY message_id`,
          )
        ).rows,
    );
    expect(rows.map((r) => r.message_id)).toEqual(['proto-1', 'proto-2']);
    expect(rows[0].p).toContain('"isAdmin":true');
    expect(rows[1].p).not.toContain('polluted');
    expect(rows[1].p).not.toContain('isAdmin');
    expect(JSON.parse(rows[1].p).polluted).toBeUndefined();
  });
});
