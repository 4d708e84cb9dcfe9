import { createServer, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { FullStoryClient } from './client';
import { classifyError } from './classify';
import { FullStoryHostRefusedError } from './errors';
import { MAX_RESPONSE_BYTES, TRUNCATED_MARKER } from './response-collector';

/** The client's own guards against a key leaving for the wrong host, and against huge answers. */
describe('FullStoryClient with an outbound policy', () => {
  let server: Server;
  let port: number;
  let received: number;
  let respond: (res: ServerResponse) => void;
  let lastPath: string | undefined;
  const headers = { Authorization: 'Basic policy-secret-key' };

  beforeAll(async () => {
    server = createServer((req, res) => {
      received += 1;
      lastPath = req.url;
      req.resume();
      req.on('end', () => respond(res));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  beforeEach(() => {
    received = 0;
    respond = (res) => res.end('{}');
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  async function refusal(client: FullStoryClient, url: string): Promise<FullStoryHostRefusedError> {
    const err: unknown = await client.send({ method: 'GET', url, headers }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FullStoryHostRefusedError);
    return err as FullStoryHostRefusedError;
  }

  it('sends to an explicitly named host', async () => {
    const client = new FullStoryClient({ policy: { explicitHosts: [`127.0.0.1:${port}`], requireHttps: false } });
    const res = await client.send({ method: 'GET', url: `http://127.0.0.1:${port}/me`, headers });
    await client.close();
    expect(res.status).toBe(200);
    expect(received).toBe(1);
  });

  it('refuses a host that is not allowed before connecting, as a permanent failure without the key', async () => {
    const client = new FullStoryClient({ policy: { explicitHosts: [], requireHttps: false } });
    const err = await refusal(client, `http://127.0.0.1:${port}/me`);
    await client.close();
    expect(err.message).toBe(
      `GET http://127.0.0.1:${port}/me refused: the URL names an IP address (127.0.0.1) that is not in ALLOWED_FULLSTORY_HOSTS`,
    );
    expect(err.message).not.toContain('policy-secret-key');
    expect(classifyError(err)).toMatchObject({ outcome: 'permanent', errorClass: 'network' });
    expect(received).toBe(0);
  });

  it('refuses plain http to a named host in production, before connecting', async () => {
    const client = new FullStoryClient({ policy: { explicitHosts: [`127.0.0.1:${port}`], requireHttps: true } });
    const err = await refusal(client, `http://127.0.0.1:${port}/me`);
    await client.close();
    expect(err.message).toBe(`GET http://127.0.0.1:${port}/me refused: the URL must use https in production`);
    expect(err.message).not.toContain('policy-secret-key');
    expect(received).toBe(0);
  });

  it('refuses at connect time when an allowed name resolves to loopback', async () => {
    // "localhost" stands in for a FullStory host whose DNS answer points inside.
    const client = new FullStoryClient({
      policy: { explicitHosts: [], requireHttps: false, fullStoryHosts: ['localhost'] },
    });
    const err = await refusal(client, `http://localhost:${port}/me`);
    await client.close();
    expect(err.message).toMatch(/^GET http:\/\/localhost:\d+\/me refused: .*localhost resolved to (127\.0\.0\.1|::1)/);
    expect(received).toBe(0);
  });

  it('cuts a response body over 1 MiB and marks it', async () => {
    respond = (res) => {
      res.write('x'.repeat(MAX_RESPONSE_BYTES));
      res.end('y'.repeat(10_000));
    };
    const client = new FullStoryClient({ policy: { explicitHosts: [`127.0.0.1:${port}`], requireHttps: false } });
    const res = await client.send({ method: 'GET', url: `http://127.0.0.1:${port}/me`, headers });
    await client.close();
    expect(res.truncated).toBe(true);
    expect(res.body).toBe(`${'x'.repeat(MAX_RESPONSE_BYTES)}\n${TRUNCATED_MARKER}`);
  });

  it('keeps a body of exactly 1 MiB whole', async () => {
    respond = (res) => res.end('z'.repeat(MAX_RESPONSE_BYTES));
    const client = new FullStoryClient();
    const res = await client.send({ method: 'GET', url: `http://127.0.0.1:${port}/me`, headers });
    await client.close();
    expect(res.truncated).toBeUndefined();
    expect(res.body.length).toBe(MAX_RESPONSE_BYTES);
  });

  it('sends a whole-segment .. as %2E%2E instead of letting the URL collapse', async () => {
    const client = new FullStoryClient();
    const url = `http://127.0.0.1:${port}/users/v1/individual/../customvars?integration=segment`;
    const res = await client.send({ method: 'POST', url, headers, body: {} });
    await client.close();
    expect(res.status).toBe(200);
    expect(lastPath).toBe('/users/v1/individual/%2E%2E/customvars?integration=segment');
  });
});
