import { createServer, IncomingMessage, Server, ServerResponse } from 'http';
import { AddressInfo } from 'net';
import { FullStoryClient } from './client';
import { DestinationDispatchers } from './destination-dispatchers';

/** A local server that holds every request to /held until released, and answers the others at once. */
describe('DestinationDispatchers', () => {
  let server: Server;
  let base: string;
  let held: ServerResponse[] = [];
  const client = new FullStoryClient({ timeoutMs: 10_000 });
  const dispatchers = new DestinationDispatchers();

  beforeAll(async () => {
    server = createServer((req: IncomingMessage, res: ServerResponse) => {
      if (req.url === '/held') held.push(res);
      else res.end('{}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await dispatchers.close();
    await client.close();
    await new Promise((r) => server.close(r));
  });

  afterEach(() => {
    for (const res of held) res.end('{}');
    held = [];
  });

  const send = (path: string, destinationId: string) =>
    client.send(
      { method: 'GET', url: `${base}${path}`, headers: { Authorization: 'Basic k' } },
      { dispatcher: dispatchers.for(destinationId) },
    );

  it('one pool per destination, the same for every request of it', () => {
    expect(dispatchers.for('a')).toBe(dispatchers.for('a'));
    expect(dispatchers.for('a')).not.toBe(dispatchers.for('b'));
  });

  it("a destination whose account holds 70 requests (above the shared pool's 64) neither waits nor delays another", async () => {
    const slow = Array.from({ length: 70 }, () => send('/held', 'slow'));
    // Every one reached the server: no request of the slow destination waits for a socket.
    const deadline = Date.now() + 10_000;
    while (held.length < 70 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(held).toHaveLength(70);
    // Another destination's request is answered while all of those are still held.
    expect((await send('/fast', 'other')).status).toBe(200);
    expect(held.every((res) => !res.writableEnded)).toBe(true);
    for (const res of held) res.end('{}');
    expect((await Promise.all(slow)).map((r) => r.status)).toEqual(Array(70).fill(200));
  });

  it('drop closes a destination pool; the next request gets a new one', async () => {
    const before = dispatchers.for('gone');
    await dispatchers.drop('gone');
    expect(dispatchers.for('gone')).not.toBe(before);
    expect((await send('/fast', 'gone')).status).toBe(200);
  });
});
