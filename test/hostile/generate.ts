import { gzipSync } from 'zlib';

/** One hostile request: raw bytes and headers, so anything (invalid UTF-8, truncation) can be sent. */
export interface HostileRequest {
  kind: string;
  path: string;
  headers: Record<string, string>;
  body: Buffer;
}

/** A small deterministic PRNG (mulberry32): the same 10,000 requests on every run. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PATHS = [
  '/v1/track',
  '/v1/identify',
  '/v1/page',
  '/v1/screen',
  '/v1/group',
  '/v1/alias',
  '/v1/batch',
  '/v1/import',
];

export function generateHostile(count: number, writeKey: string, seed = 42): HostileRequest[] {
  const rand = prng(seed);
  const pick = <T>(xs: T[]): T => xs[Math.floor(rand() * xs.length)];
  const auth = `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}`;
  const json = { 'content-type': 'application/json', authorization: auth };
  const valid = () => ({ type: 'track', userId: 'u', event: 'E', properties: { a: 1 } });
  const nest = (depth: number, open: string, close: string, inner = '1') =>
    open.repeat(depth) + inner + close.repeat(depth);
  const makers: ((i: number) => HostileRequest)[] = [
    (i) => ({
      kind: 'malformed-json',
      path: pick(PATHS),
      headers: json,
      body: Buffer.from(
        pick(['{', '{"a":', '{"userId":"u",}', "{'a':1}", 'nul', '[1,2', '{"a":1}}', `{"x":"${'\\'.repeat(i % 7)}`]),
      ),
    }),
    () => {
      const s = JSON.stringify({ ...valid(), properties: { long: 'x'.repeat(200) } });
      return {
        kind: 'truncated-json',
        path: '/v1/track',
        headers: json,
        body: Buffer.from(s.slice(0, 1 + Math.floor(rand() * (s.length - 2)))),
      };
    },
    () => {
      // Each body is invalid for the path it is sent to.
      const [path, body] = pick<[string, unknown]>([
        ['/v1/track', { userId: {}, event: 'E' }],
        ['/v1/track', { userId: 'u', event: 5 }],
        ['/v1/track', { userId: 'u', event: 'E', properties: 'str' }],
        ['/v1/identify', { userId: 'u', traits: [1, 2] }],
        ['/v1/batch', { batch: 'not-an-array' }],
        ['/v1/batch', { batch: [1, 'two', null, true] }],
        ['/v1/import', { batch: [] }],
        ['/v1/group', { userId: 'u' }],
        ['/v1/alias', { userId: 'u' }],
        ['/v1/page', { userId: 'u', properties: [1] }],
        ['/v1/screen', { anonymousId: 'a', name: 7 }],
        ['/v1/track', { userId: 'u', event: 'E', timestamp: 'yesterday' }],
        ['/v1/track', { userId: 'u', event: 'E', messageId: 'm'.repeat(150) }],
        ['/v1/track', { anonymousId: null, event: 'E' }],
        ['/v1/identify', [1, 2, 3]],
        ['/v1/page', 'just a string'],
        ['/v1/screen', 12345],
        ['/v1/group', null],
      ]);
      return { kind: 'wrong-types', path, headers: json, body: Buffer.from(JSON.stringify(body)) };
    },
    () => {
      const depth = pick([100, 1000, 5000, 20000]); // all past the 64-level limit
      return {
        kind: 'deep-nesting',
        path: pick(['/v1/track', '/v1/batch']),
        headers: json,
        body: Buffer.from(`{"type":"track","userId":"u","event":"E","properties":{"x":${nest(depth, '[', ']')}}}`),
      };
    },
    () => {
      const depth = pick([65, 500, 3000]);
      return {
        kind: 'deep-objects',
        path: '/v1/track',
        headers: json,
        body: Buffer.from(`{"type":"track","userId":"u","event":"E","properties":${nest(depth, '{"a":', '}', '1')}}`),
      };
    },
    () => ({
      kind: 'huge-numbers',
      path: '/v1/track',
      headers: json,
      body: Buffer.from(
        // Numbers that overflow to Infinity (would silently become null).
        `{"type":"track","userId":${pick(['1e400', '-1e400', '"u"'])},"event":"E","properties":{"n":${pick(['1e999', '9'.repeat(400), '-1e309'])}}}`,
      ),
    }),
    () => ({
      kind: 'huge-strings',
      path: pick(['/v1/track', '/v1/batch']),
      headers: json,
      body: Buffer.from(
        JSON.stringify({
          ...valid(),
          batch: [{ ...valid(), event: 'x'.repeat(40_000) }],
          event: 'y'.repeat(pick([33_000, 100_000])),
        }),
      ),
    }),
    () => ({
      kind: 'proto-keys',
      path: pick(['/v1/track', '/v1/identify', '/v1/batch']),
      headers: json,
      body: Buffer.from(
        pick([
          '{"type":"track","userId":"u","event":"E","__proto__":{"polluted":"yes"},"properties":{"__proto__":{"polluted":"yes"}}}',
          '{"type":"identify","userId":"u","traits":{"constructor":{"prototype":{"polluted":"yes"}}}}',
          '{"batch":[{"type":"track","userId":"u","event":"E","__proto__":{"polluted":"yes"}}],"context":{"__proto__":{"polluted":"yes"}}}',
          '{"__proto__":{"type":"track","userId":"u","event":"E","polluted":"yes"}}',
          '{"type":"track","userId":"u","event":"constructor","properties":{"constructor":{"prototype":{"polluted":"yes"}},"toString":"x"}}',
        ]),
      ),
    }),
    () => ({
      kind: 'invalid-utf8',
      path: '/v1/track',
      headers: json,
      body: Buffer.concat([
        Buffer.from('{"type":"track","userId":"'),
        Buffer.from([0xc3, 0x28, 0xff, 0xfe, 0xed, 0xa0, 0x80]),
        Buffer.from('","event":"E"}'),
      ]),
    }),
    () => ({
      kind: 'bad-auth',
      path: pick(PATHS),
      headers: {
        'content-type': 'application/json',
        ...pick<Record<string, string>>([
          {},
          { authorization: 'Basic ' + Buffer.from('wrong-key:').toString('base64') },
          { authorization: 'Bearer something' },
          { authorization: 'Basic !!!not-base64' },
          { authorization: 'Basic' },
          { authorization: 'Digest abc' },
        ]),
      },
      body: Buffer.from(JSON.stringify({ ...valid(), writeKey: pick([undefined, 'other-key', 42]) })),
    }),
    () => ({
      kind: 'oversize',
      path: pick(['/v1/track', '/v1/batch']),
      headers: json,
      body: Buffer.from(JSON.stringify({ batch: Array.from({ length: 3000 }, valid) })),
    }),
    () => ({
      kind: 'gzip-bomb',
      path: '/v1/batch',
      headers: { ...json, 'content-encoding': 'gzip' },
      body: gzipSync(Buffer.from(`{"batch":[],"pad":"${'a'.repeat(5_000_000)}"}`)),
    }),
    () => ({
      kind: 'bad-gzip',
      path: '/v1/track',
      headers: { ...json, 'content-encoding': 'gzip' },
      body: Buffer.from('not gzip at all'),
    }),
    () => ({
      kind: 'wrong-content-type',
      path: pick(PATHS),
      headers: {
        'content-type': pick(['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']),
        authorization: auth,
      },
      body: Buffer.from('a=1'),
    }),
    () => ({
      kind: 'unknown-encoding',
      path: '/v1/track',
      headers: { ...json, 'content-encoding': 'br' },
      body: Buffer.from('{}'),
    }),
    () => ({ kind: 'empty-body', path: pick(PATHS), headers: json, body: Buffer.alloc(0) }),
  ];
  // Oversize and bomb bodies are expensive to build: reuse one instance of each.
  const cache = new Map<number, HostileRequest>();
  const out: HostileRequest[] = [];
  for (let i = 0; i < count; i++) {
    const k = i % makers.length;
    if (k === 10 || k === 11) {
      if (!cache.has(k)) cache.set(k, makers[k](i));
      out.push(cache.get(k) as HostileRequest);
    } else {
      out.push(makers[k](i));
    }
  }
  return out;
}
