import { cloneJson, getOwn, isMissing, isPlainObject, mergeOwn, setOwn } from './objects';

describe('isPlainObject', () => {
  it('accepts object literals, JSON.parse output and null-prototype objects', () => {
    expect(isPlainObject({})).toBe(true);
    expect(isPlainObject(JSON.parse('{"a":1}'))).toBe(true);
    expect(isPlainObject(Object.create(null))).toBe(true);
    expect(isPlainObject(JSON.parse('{"__proto__":{"x":1}}'))).toBe(true);
  });

  it.each([[null], [undefined], [[]], ['x'], [1], [true], [new Date()], [new Map()], [Buffer.from('a')], [() => 1]])(
    'rejects %p',
    (v) => expect(isPlainObject(v)).toBe(false),
  );

  it('rejects objects with a custom prototype', () => {
    class Thing {}
    expect(isPlainObject(new Thing())).toBe(false);
    expect(isPlainObject(Object.create({ inherited: true }))).toBe(false);
  });
});

describe('getOwn / setOwn / isMissing', () => {
  it('ignores inherited properties', () => {
    expect(getOwn({}, 'toString')).toBeUndefined();
    expect(getOwn({ a: 1 }, 'a')).toBe(1);
  });

  it('defines __proto__ as a data property without touching the prototype', () => {
    const o: Record<string, unknown> = {};
    setOwn(o, '__proto__', { polluted: true });
    expect(Object.getPrototypeOf(o)).toBe(Object.prototype);
    expect(Object.keys(o)).toEqual(['__proto__']);
    expect((o as { polluted?: unknown }).polluted).toBeUndefined();
  });

  it('treats undefined, null and "" as missing, nothing else', () => {
    expect([undefined, null, ''].every(isMissing)).toBe(true);
    expect([0, false, ' ', [], {}].some(isMissing)).toBe(false);
  });
});

describe('cloneJson / mergeOwn', () => {
  it('deep-copies objects and arrays', () => {
    const input = { a: { b: [1, { c: 2 }] } };
    const copy = cloneJson(input);
    expect(copy).toEqual(input);
    expect(copy.a).not.toBe(input.a);
    expect(copy.a.b).not.toBe(input.a.b);
    expect(copy.a.b[1]).not.toBe(input.a.b[1]);
  });

  it('keeps own __proto__ keys as data and never sets a prototype', () => {
    const input: unknown = JSON.parse('{"x":{"__proto__":{"polluted":true}},"__proto__":{"polluted":true}}');
    const copy = cloneJson(input) as Record<string, Record<string, unknown>>;
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect(Object.getPrototypeOf(copy.x)).toBe(Object.prototype);
    expect(Object.keys(copy)).toEqual(['x', '__proto__']);
    expect(Object.getOwnPropertyDescriptor(copy, '__proto__')?.value).toEqual({ polluted: true });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('merges shallowly with later sources winning', () => {
    const merged = mergeOwn({ a: 1, b: { x: 1 } }, { b: { y: 2 }, c: 3 });
    expect(merged).toEqual({ a: 1, b: { y: 2 }, c: 3 });
  });

  it('merges own __proto__ keys as data', () => {
    const merged = mergeOwn(JSON.parse('{"__proto__":{"polluted":true}}') as Record<string, unknown>);
    expect(Object.getPrototypeOf(merged)).toBe(Object.prototype);
    expect(Object.keys(merged)).toEqual(['__proto__']);
  });
});
