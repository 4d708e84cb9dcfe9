import { request } from 'http';
import {
  RunningApp,
  StackEnv,
  basicAuth,
  dropDatabase,
  eventsOfSource,
  postJson,
  stackEnv,
  startApp,
  waitFor,
} from '../support/stack';

/**
 * The tracking API's memory limit (INGEST_MAX_BODY_BYTES_IN_FLIGHT), on the real ingest-api: a request whose body
 * would pass it is answered 503 `overloaded` before its body is read; the request already held finishes and is
 * stored; once its answer is done its bytes are given back. /metrics shows what is held, the limit and refusals.
 */
jest.setTimeout(60_000);

const LIMIT = 500 * 1024;
let env: StackEnv;
let ingest: RunningApp;
let base: string;
let auth: Record<string, string>;
let sourceId: string;

/** A valid batch of `events` tracks whose JSON is about `kb` KB. */
function batchOf(prefix: string, events: number, kb: number): { batch: Record<string, unknown>[] } {
  const pad = 'x'.repeat(Math.floor((kb * 1024) / events) - 120);
  const batch = Array.from({ length: events }, (_, i) => ({
    type: 'track',
    userId: 'u-1',
    event: 'Big',
    messageId: `${prefix}-${i}`,
    properties: { pad },
  }));
  return { batch };
}

async function metric(name: string): Promise<number | null> {
  const text = await (await fetch(`${base}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line === undefined ? null : Number(line.split(' ')[1]);
}

beforeAll(async () => {
  env = stackEnv('ingest_memory_limit', { INGEST_MAX_BODY_BYTES_IN_FLIGHT: String(LIMIT) });
  ingest = await startApp('ingest-api', env);
  base = `http://127.0.0.1:${ingest.port}`;
  const created = await fetch(`${base}/admin/sources`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${env.ADMIN_TOKEN}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ name: 'big batches' }),
  });
  expect(created.status).toBe(201);
  const source = (await created.json()) as { id: string; writeKey: string };
  sourceId = source.id;
  auth = { Authorization: basicAuth(source.writeKey) };
});

afterAll(async () => {
  await ingest?.stop();
  await dropDatabase(env.DATABASE_URL);
});

it('refuses a batch past the limit while another is held, stores the held one, then takes batches again', async () => {
  expect(await metric('fsd_ingest_request_body_bytes_limit')).toBe(LIMIT);
  const held = Buffer.from(JSON.stringify(batchOf('held', 40, 400)));
  // The first batch's headers and half its body: ingest charges it at its headers and waits for the rest.
  let send: (rest: Buffer) => void = () => undefined;
  const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request(
      `${base}/v1/batch`,
      { method: 'POST', headers: { ...auth, 'Content-Type': 'application/json', 'Content-Length': held.length } },
      (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.write(held.subarray(0, held.length / 2));
    send = (rest) => req.end(rest);
  });
  await waitFor('ingest to hold the first batch', async () =>
    (await metric('fsd_ingest_request_body_bytes_held')) === held.length ? true : false,
  );

  const refused = await postJson(`${base}/v1/batch`, batchOf('refused', 10, 150), auth);
  expect(refused.status).toBe(503);
  expect(refused.headers.get('retry-after')).toBe('1');
  expect(refused.body).toMatchObject({ success: false, code: 'overloaded' });
  expect(await metric('fsd_ingest_requests_overloaded_total')).toBe(1);

  send(held.subarray(held.length / 2));
  const first = await answer;
  expect(first.status).toBe(200);
  expect(JSON.parse(first.body)).toMatchObject({ success: true, accepted: 40 });
  await waitFor('the held bytes given back', async () =>
    (await metric('fsd_ingest_request_body_bytes_held')) === 0 ? true : false,
  );
  const again = await postJson(`${base}/v1/batch`, batchOf('again', 10, 150), auth);
  expect(again.status).toBe(200);
  expect(await eventsOfSource(env.DATABASE_URL, sourceId)).toBe(50);
  expect(await metric('fsd_ingest_requests_overloaded_total')).toBe(1);
});
