import { FastifyInstance } from 'fastify';
import http from 'http';
import { AddressInfo } from 'net';
import { buildFakeApp } from '../app';
import { MAX_STREAMS, resumeFrom, sseFrame } from './stream';

describe('sseFrame / resumeFrom', () => {
  it.each<[string, unknown, number | undefined, string]>([
    ['request', { seq: 1 }, 7, 'id: 7\nevent: request\ndata: {"seq":1}\n\n'],
    ['ready', { rev: 0 }, undefined, 'event: ready\ndata: {"rev":0}\n\n'],
    ['request', { text: 'a\nb' }, 1, 'id: 1\nevent: request\ndata: {"text":"a\\nb"}\n\n'],
  ])('%s %j', (event, data, id, expected) => {
    expect(sseFrame(event, data, id)).toBe(expected);
  });

  it.each<[number, string | string[] | undefined, number]>([
    [0, undefined, 0],
    [5, '9', 9],
    [9, '5', 9],
    [3, ['8'], 8],
    [3, 'nope', 3],
  ])('after %s, Last-Event-ID %j → %s', (after, id, expected) => {
    expect(resumeFrom(after, id)).toBe(expected);
  });
});

interface Sse {
  status: Promise<number>;
  text: () => string;
  events: () => { id?: string; event: string; data: unknown }[];
  close: () => void;
}

function openSse(base: string, path: string, headers: Record<string, string> = {}): Sse {
  let text = '';
  let request: http.ClientRequest | undefined;
  const status = new Promise<number>((resolve, reject) => {
    request = http.get(`${base}${path}`, { headers }, (res) => {
      resolve(res.statusCode ?? 0);
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('error', () => undefined);
    });
    request.on('error', reject);
  });
  const events = (): { id?: string; event: string; data: unknown }[] =>
    text
      .split('\n\n')
      .filter((block) => block.includes('event: '))
      .map((block) => {
        const field = (name: string): string | undefined =>
          block
            .split('\n')
            .find((l) => l.startsWith(`${name}: `))
            ?.slice(name.length + 2);
        return { id: field('id'), event: field('event') ?? '', data: JSON.parse(field('data') ?? 'null') };
      });
  return { status, text: () => text, events, close: () => request?.destroy() };
}

async function until(what: string, check: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('GET /__fake/stream (listening)', () => {
  let app: FastifyInstance;
  let base: string;
  const opened: Sse[] = [];
  const open = (path: string, headers?: Record<string, string>): Sse => {
    const s = openSse(base, path, headers);
    opened.push(s);
    return s;
  };
  const send = (path: string, body: unknown): Promise<Response> =>
    fetch(`${base}${path}`, {
      method: 'POST',
      headers: { authorization: 'Basic test-api-key', 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  beforeEach(async () => {
    app = buildFakeApp();
    await app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  });
  afterEach(async () => {
    for (const s of opened.splice(0)) s.close();
    await app.close();
  });

  it('pushes matching changes live, as text/event-stream', async () => {
    const s = open('/__fake/stream?status=4xx');
    expect(await s.status).toBe(200);
    await until('ready', () => s.text().includes('event: ready'));
    expect(s.events()).toEqual([{ event: 'ready', data: { rev: 0, backlog: 0 } }]);
    expect((await send('/v2/events', { name: 'Viewed', user: { uid: 'u-1' } })).status).toBe(200);
    expect((await send('/v2/users', { uid: 'u-2', email: 42 })).status).toBe(400);
    await until('the 400', () => s.events().length === 2);
    // The 200 and the 400's arrival (pending) never match; its completion (change 4) does.
    expect(s.events()[1]).toEqual({
      id: '4',
      event: 'request',
      data: expect.objectContaining({ seq: 2, rev: 4, status: 400, endpoint: 'POST /v2/users', users: ['u-2'] }),
    });
  });

  it('replays the backlog after Last-Event-ID when a browser reconnects', async () => {
    expect((await send('/v2/events', { name: 'A', user: { uid: 'u-1' } })).status).toBe(200);
    expect((await send('/v2/events', { name: 'B', user: { uid: 'u-1' } })).status).toBe(200);
    const s = open('/__fake/stream', { 'last-event-id': '2' });
    await until('ready', () => s.text().includes('event: ready'));
    expect(s.events().map((e) => [e.event, e.id])).toEqual([
      ['request', '4'],
      ['ready', undefined],
    ]);
    expect(s.events()[1].data).toEqual({ rev: 4, backlog: 1 });
  });

  it('tells a pending filter when a request stops being pending', async () => {
    const fault = await fetch(`${base}/__fake/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ match: { path: '/v2/events' }, latencyMs: 300, times: 1 }),
    });
    expect(fault.status).toBe(200);
    const s = open('/__fake/stream?status=pending');
    await until('ready', () => s.text().includes('event: ready'));
    const answer = send('/v2/events', { name: 'Slow', user: { uid: 'u-1' } });
    await until('pending row', () => s.events().some((e) => e.event === 'request'));
    expect(s.events()[1].data).toMatchObject({ seq: 1, status: null });
    expect((await answer).status).toBe(200);
    await until('gone', () => s.events().some((e) => e.event === 'gone'));
    expect(s.events()[2]).toEqual({ id: '2', event: 'gone', data: { seq: 1 } });
  });

  it('says `cleared` when the captured requests are cleared', async () => {
    expect((await send('/v2/events', { name: 'A', user: { uid: 'u-1' } })).status).toBe(200);
    const s = open('/__fake/stream');
    await until('ready', () => s.text().includes('event: ready'));
    const cleared = await fetch(`${base}/__fake/requests`, { method: 'DELETE' });
    expect(cleared.status).toBe(200);
    await until('cleared', () => s.text().includes('event: cleared'));
    expect(s.events().map((e) => e.event)).toEqual(['request', 'ready', 'cleared']);
  });

  it('starts over, saying `cleared`, when the cursor predates a restart', async () => {
    expect((await send('/v2/events', { name: 'A', user: { uid: 'u-1' } })).status).toBe(200);
    const s = open('/__fake/stream', { 'last-event-id': '500' });
    await until('ready', () => s.text().includes('event: ready'));
    expect(s.events().map((e) => [e.event, e.id])).toEqual([
      ['cleared', undefined],
      ['request', '2'],
      ['ready', undefined],
    ]);
  });

  it(`refuses a stream beyond ${MAX_STREAMS} open ones, and accepts again once one closes`, async () => {
    const streams = Array.from({ length: MAX_STREAMS }, () => open('/__fake/stream'));
    await until('all ready', () => streams.every((s) => s.text().includes('event: ready')));
    const extra = await fetch(`${base}/__fake/stream`);
    expect(extra.status).toBe(503);
    expect(await extra.json()).toMatchObject({ code: 'unavailable' });
    streams[0].close();
    // The server frees the slot when it sees the socket close: retry (with a deadline) until it does.
    const deadline = Date.now() + 5000;
    let again = open('/__fake/stream');
    while ((await again.status) !== 200) {
      if (Date.now() > deadline) throw new Error('no stream slot freed');
      await new Promise((r) => setTimeout(r, 20));
      again = open('/__fake/stream');
    }
    await until('ready', () => again.text().includes('event: ready'));
    expect(again.events().at(-1)).toEqual({ event: 'ready', data: { rev: 0, backlog: 0 } });
  });
});
