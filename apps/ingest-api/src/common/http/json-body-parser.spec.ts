import type { FastifyRequest } from 'fastify';
import { MAX_JSON_DEPTH, assertSaneJson, decodeBody } from './json-body-parser';

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
  const request = { url: '/v1/track', headers: {} } as FastifyRequest;

  it('skips a leading byte-order mark', () => {
    const body = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"userId":"é"}')]);
    expect(decodeBody(request, body)).toEqual({ userId: 'é' });
  });

  it('refuses invalid UTF-8 instead of replacing characters', () => {
    const body = Buffer.concat([Buffer.from('{"userId":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}')]);
    expect(() => decodeBody(request, body)).toThrow('The body is not valid UTF-8');
  });
});
