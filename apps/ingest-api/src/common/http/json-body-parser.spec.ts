import { MAX_JSON_DEPTH, assertSaneJson } from './json-body-parser';

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

  it('rejects numbers that overflowed to Infinity, naming where', () => {
    expect(() => assertSaneJson(JSON.parse('{"properties":{"n":1e400}}'))).toThrow('$.properties.n is out of range');
  });
});
