import type { FastifyRequest } from 'fastify';
import {
  ADMIN_LIMIT,
  BATCH_LIMIT,
  MAX_JSON_DEPTH,
  SINGLE_CALL_LIMIT,
  assertSaneJson,
  decodeBody,
  limitFor,
} from './json-body-parser';

describe('limitFor (the matched route, not the raw URL)', () => {
  it.each([
    ['/v1/batch', BATCH_LIMIT],
    ['/v1/import', BATCH_LIMIT],
    ['/v1/track', SINGLE_CALL_LIMIT],
    ['/v1/identify', SINGLE_CALL_LIMIT],
    [undefined, SINGLE_CALL_LIMIT],
    ['/admin/destinations', ADMIN_LIMIT],
    ['/admin/destinations/:id', ADMIN_LIMIT],
  ])('%s → %d bytes', (route, bytes) => {
    expect(limitFor(route).bytes).toBe(bytes);
  });
});

describe('assertSaneJson', () => {
  it('accepts ordinary events', () => {
    expect(() => assertSaneJson({ a: [1, { b: 'c' }], n: 1e300 })).not.toThrow();
  });

  it('rejects nesting deeper than the limit without recursing', () => {
    const deep = JSON.parse('['.repeat(100_000) + ']'.repeat(100_000));
    expect(() => assertSaneJson(deep)).toThrow(/nested deeper than 64/);
    let ok: unknown = 1;
    for (let i = 0; i < MAX_JSON_DEPTH - 1; i++) ok = [ok];
    expect(() => assertSaneJson(ok)).not.toThrow();
  });

  it('names where the nesting goes too deep', () => {
    const deep = JSON.parse('{"a":' + '['.repeat(70) + ']'.repeat(70) + '}');
    expect(() => assertSaneJson(deep)).toThrow(`(at $.a${'[0]'.repeat(MAX_JSON_DEPTH - 1)})`);
  });

  it('rejects numbers that overflowed to Infinity, naming where', () => {
    expect(() => assertSaneJson(JSON.parse('{"properties":{"n":1e400}}'))).toThrow('$.properties.n is out of range');
  });
});

describe('decodeBody', () => {
  const request = { url: '/v1/track', routeOptions: { url: '/v1/track' }, headers: {} } as unknown as FastifyRequest;

  it('skips a leading byte-order mark', () => {
    const body = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"userId":"é"}')]);
    expect(decodeBody(request, body)).toEqual({ userId: 'é' });
  });

  it('refuses invalid UTF-8 instead of replacing characters', () => {
    const body = Buffer.concat([Buffer.from('{"userId":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}')]);
    expect(() => decodeBody(request, body)).toThrow('The body is not valid UTF-8');
  });
});
