import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo, Socket } from 'node:net';
import { FullStoryClient } from './client';
import { FullStoryNetworkError, FullStoryTimeoutError } from './errors';

interface Seen {
  method?: string;
  url?: string;
  headers: IncomingMessage['headers'];
  body: string;
}

describe('FullStoryClient', () => {
  let server: Server;
  let base: string;
  let seen: Seen[];
  let handler: (req: IncomingMessage, res: ServerResponse, body: string) => void;
  const sockets = new Set<Socket>();
  const client = new FullStoryClient({ timeoutMs: 2000 });

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (chunk: string) => (body += chunk));
      req.on('end', () => {
        seen.push({ method: req.method, url: req.url, headers: req.headers, body });
        handler(req, res, body);
      });
    });
    server.on('connection', (s: Socket) => {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  beforeEach(() => {
    seen = [];
    handler = (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end('{}');
    };
  });

  afterAll(async () => {
    await client.close();
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const headers = {
    'Content-Type': 'application/json',
    Authorization: 'Basic secret-key-123',
    'Integration-Source': 'segment',
  };

  it('sends JSON with the given headers and returns the response', async () => {
    handler = (_req, res) => {
      res.writeHead(429, { 'Retry-After': '3', 'Content-Type': 'application/json' });
      res.end('{"message":"slow down","code":"too_many_requests"}');
    };
    const res = await client.send(
      { method: 'POST', url: `${base}/v2/events`, headers, body: { name: 'e', properties: {} } },
      { idempotencyKey: 'idem-1' },
    );
    expect(res.status).toBe(429);
    expect(res.statusText).toBe('Too Many Requests');
    expect(res.headers['retry-after']).toBe('3');
    expect(JSON.parse(res.body)).toEqual({ message: 'slow down', code: 'too_many_requests' });
    expect(res.latencyMs).toBeGreaterThanOrEqual(0);
    expect(seen[0].method).toBe('POST');
    expect(seen[0].url).toBe('/v2/events');
    expect(seen[0].headers.authorization).toBe('Basic secret-key-123');
    expect(seen[0].headers['integration-source']).toBe('segment');
    expect(seen[0].headers['idempotency-key']).toBe('idem-1');
    expect(seen[0].headers['content-type']).toBe('application/json');
    expect(seen[0].body).toBe('{"name":"e","properties":{}}');
  });

  it('sends no body when none is given (DELETE with query)', async () => {
    const res = await client.send({ method: 'DELETE', url: `${base}/v2/users?uid=fake%2Fuser%2Fid`, headers });
    expect(res.status).toBe(200);
    expect(seen[0].url).toBe('/v2/users?uid=fake%2Fuser%2Fid');
    expect(seen[0].body).toBe('');
    expect(seen[0].headers['idempotency-key']).toBeUndefined();
  });

  it('resolves for 5xx', async () => {
    handler = (_req, res) => {
      res.writeHead(500);
      res.end('boom');
    };
    const res = await client.send({ method: 'GET', url: `${base}/me`, headers });
    expect(res).toMatchObject({ status: 500, statusText: 'Internal Server Error', body: 'boom' });
  });

  it('rejects with FullStoryTimeoutError when the server is too slow', async () => {
    handler = (_req, res) => {
      setTimeout(() => {
        res.writeHead(200);
        res.end('{}');
      }, 500);
    };
    const p = client.send({ method: 'GET', url: `${base}/me`, headers }, { timeoutMs: 100 });
    await expect(p).rejects.toBeInstanceOf(FullStoryTimeoutError);
    await expect(p).rejects.toMatchObject({ code: 'timeout' });
  });

  it('rejects with FullStoryTimeoutError when the body trickles in past the whole-request timeout', async () => {
    // Each chunk comes well within undici's per-phase timeouts: only the whole-request deadline can end this.
    let chunksWritten = 0;
    handler = (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      const drip = setInterval(() => {
        chunksWritten += 1;
        res.write(' ');
      }, 20);
      res.on('close', () => clearInterval(drip));
    };
    const p = client.send({ method: 'GET', url: `${base}/me`, headers }, { timeoutMs: 300 });
    await expect(p).rejects.toBeInstanceOf(FullStoryTimeoutError);
    await expect(p).rejects.toMatchObject({ code: 'timeout', message: expect.stringContaining('300 ms') });
    expect(chunksWritten).toBeGreaterThan(0);
  });

  it('lower-cases header names and joins a repeated header with ", "', async () => {
    handler = (_req, res) => {
      res.setHeader('X-Multi', ['a', 'b']);
      res.setHeader('X-Request-ID', 'r-1');
      res.writeHead(200);
      res.end('{"ok":true}');
    };
    const res = await client.send({ method: 'GET', url: `${base}/me`, headers });
    expect(res.headers['x-multi']).toBe('a, b');
    expect(res.headers['x-request-id']).toBe('r-1');
    expect(res.body).toBe('{"ok":true}');
    expect(res.truncated).toBeUndefined();
  });

  it('counts the deadline from dispatch: a request queued behind a busy connection ends at it, never sent', async () => {
    const oneConnection = new FullStoryClient({ timeoutMs: 2000, connectionsPerOrigin: 1 });
    // Resolves, with the function that answers it, once the server holds the first request.
    let holding: (answer: () => void) => void = () => undefined;
    const heldArrived = new Promise<() => void>((resolve) => (holding = resolve));
    handler = (req, res) => {
      const answer = () => {
        res.writeHead(200);
        res.end(req.url);
      };
      if (req.url === '/held') holding(answer);
      else answer();
    };
    try {
      const settled: string[] = [];
      const held = oneConnection.send({ method: 'GET', url: `${base}/held`, headers }).then((r) => {
        settled.push('held');
        return r;
      });
      // The only connection is busy before the second request is dispatched.
      const answerFirst = await heldArrived;
      expect(seen.map((s) => s.url)).toEqual(['/held']);
      const queued = oneConnection
        .send({ method: 'GET', url: `${base}/queued`, headers }, { timeoutMs: 100 })
        .catch((e: unknown) => {
          settled.push('queued');
          return e;
        });
      // The queued request gave up while the only connection was still busy.
      expect(await queued).toBeInstanceOf(FullStoryTimeoutError);
      expect(settled).toEqual(['queued']);
      expect(seen.map((s) => s.url)).toEqual(['/held']);
      answerFirst();
      expect((await held).body).toBe('/held');
      // A later request on the same connection is the sentinel: the timed-out one was never sent before it.
      expect((await oneConnection.send({ method: 'GET', url: `${base}/after`, headers })).body).toBe('/after');
      expect(seen.map((s) => s.url)).toEqual(['/held', '/after']);
    } finally {
      await oneConnection.close();
    }
  });

  it('rejects with FullStoryNetworkError when the connection drops, without leaking the key', async () => {
    handler = (req) => req.socket.destroy();
    const err: unknown = await client
      .send({ method: 'POST', url: `${base}/v2/events?x=secret-key-123`, headers, body: {} })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FullStoryNetworkError);
    expect((err as FullStoryNetworkError).code).toBe('network');
    expect((err as Error).message).not.toContain('secret-key-123');
    expect((err as Error).message).toContain('POST');
  });

  it('rejects with FullStoryNetworkError when nothing listens', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const err: unknown = await client
      .send({ method: 'GET', url: `http://127.0.0.1:${port}/me`, headers })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FullStoryNetworkError);
    expect((err as FullStoryNetworkError).causeCode).toBe('ECONNREFUSED');
    expect((err as Error).message).not.toContain('secret-key-123');
  });
});
