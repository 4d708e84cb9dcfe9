import { compileMapping } from './compile';
import { validateMapping } from './validate';
import { getPath, splitPath } from '../path/path';

const event = {
  type: 'track',
  userId: 'u1',
  event: 'Order Completed',
  properties: {
    price: 10,
    name: 'Widget',
    items: [
      { id: 'a', qty: 1 },
      { id: 'b', qty: 2 },
    ],
    empty: '',
    zero: 0,
    nul: null,
    nested: { x: null, y: { z: null, w: 1 } },
  },
  traits: { email: 'A@B.co', name: 'Ann' },
  context: { page: { url: 'https://x/y' } },
};
const run = (mapping: unknown, data: unknown = event): unknown => compileMapping(mapping)(data);
const one = (directive: unknown, data: unknown = event): unknown =>
  (run({ v: directive }, data) as Record<string, unknown>).v;

describe('path lookup (§2)', () => {
  it('splits like the reference', () => {
    expect(splitPath('a.b[0].c')).toEqual(['a', 'b', '0', 'c']);
    expect(splitPath("a['b']")).toEqual(['a', 'b']);
    expect(splitPath('a[b]')).toEqual(['a[b]']);
    expect(splitPath('a..b')).toEqual(['a', 'b']);
    expect(splitPath('')).toEqual([]);
    expect(splitPath('.')).toEqual([]);
  });
  it('walks with falsy intermediates, lengths and indexes', () => {
    expect(getPath({ traits: null }, 'traits.name')).toBeNull();
    expect(getPath({ a: 0 }, 'a.b')).toBe(0);
    expect(getPath({ s: 'abc' }, 's.length')).toBe(3);
    expect(getPath({ a: [1, 2] }, 'a[1]')).toBe(2);
    expect(getPath({ a: 1 }, '')).toEqual({ a: 1 });
    expect(getPath({}, 'constructor')).toBeUndefined();
    expect(getPath({}, '__proto__')).toBeUndefined();
    expect(getPath({ a: {} }, 'a.toString')).toBeUndefined();
  });
});

describe('directives (§3)', () => {
  it('raw values are never interpreted; arrays keep positions', () => {
    expect(run({ a: '$.userId', b: 1, c: null, d: [{ '@path': '$.userId' }, { '@path': '$.nope' }] })).toEqual({
      a: '$.userId',
      b: 1,
      c: null,
      d: ['u1', undefined],
    });
  });
  it('@path strips the first "$." and removes undefined keys', () => {
    expect(
      run({ a: { '@path': '$.event' }, b: { '@path': 'event' }, c: { '@path': '$.missing' }, d: { '@path': '$' } }),
    ).toEqual({
      a: 'Order Completed',
      b: 'Order Completed',
    });
    expect(one({ '@path': '$.properties.items[1].id' })).toBe('b');
    expect(one({ '@path': { '@template': 'properties.{{userId}}' } }, { userId: 'k', properties: { k: 7 } })).toBe(7);
    expect(() => one({ '@path': { '@literal': 5 } })).toThrow('@path: expected string, got number');
  });
  it('@template', () => {
    expect(
      one({ '@template': 'Hi {{traits.name}} ({{ properties.price }}) {{{userId}}} {{missing}}|{{properties.nul}}' }),
    ).toBe('Hi Ann (10) u1 |');
    expect(one({ '@template': '{{properties.items}}' })).toBe('[object Object],[object Object]');
    expect(one({ '@template': '{{$.userId}}' })).toBe('');
    expect(() => one({ '@template': { '@literal': 1 } })).toThrow('@template: expected string, got number');
  });
  it('@literal evaluates nested directives', () => {
    expect(one({ '@literal': { a: { '@path': '$.userId' }, b: true } })).toEqual({ a: 'u1', b: true });
    expect(one({ '@literal': false })).toBe(false);
  });
  it('@if exists / blank / then / else', () => {
    expect(one({ '@if': { exists: { '@path': '$.properties.zero' }, then: 'y', else: 'n' } })).toBe('y');
    expect(one({ '@if': { exists: { '@path': '$.properties.nul' }, then: 'y', else: 'n' } })).toBe('n');
    expect(one({ '@if': { blank: { '@path': '$.properties.empty' }, then: 'y', else: 'n' } })).toBe('n');
    expect(one({ '@if': { blank: { '@path': '$.properties.zero' }, then: 'y', else: 'n' } })).toBe('n');
    expect(one({ '@if': { blank: { '@path': '$.properties.name' }, then: 'y', else: 'n' } })).toBe('y');
    expect(one({ '@if': { exists: { '@path': '$.nope' }, then: 'y', else: 0 } })).toBeUndefined();
    expect(one({ '@if': { exists: { '@path': '$.userId' } } })).toBeUndefined();
    expect(() => one({ '@if': { then: 1 } })).toThrow('@if requires an "exists" key or a "blank" key');
  });
  it('@case', () => {
    expect(one({ '@case': { operator: 'upper', value: { '@path': '$.traits.email' } } })).toBe('A@B.CO');
    expect(one({ '@case': { operator: 'lower', value: { '@path': '$.traits.email' } } })).toBe('a@b.co');
    expect(one({ '@case': { operator: 'lower', value: { '@path': '$.properties.price' } } })).toBe(10);
    expect(one({ '@case': { operator: 'lower' } })).toBeUndefined();
    expect(() => one({ '@case': { operator: 'title', value: 'x' } })).toThrow(
      'operator key should have a value of "lower" or "upper"',
    );
    expect(() => one({ '@case': { value: 'x' } })).toThrow('@case requires a "operator" key');
  });
  it('@replace', () => {
    expect(one({ '@replace': { pattern: '.', replacement: '-', value: 'a.b.c' } })).toBe('a-b-c');
    expect(one({ '@replace': { pattern: '.', value: 'a.b.c', global: false } })).toBe('ab.c');
    expect(one({ '@replace': { pattern: 'A', replacement: 'x', value: 'aA', ignorecase: true } })).toBe('xx');
    expect(
      one({ '@replace': { pattern: 'a', replacement: '[$&]', value: 'ab', pattern2: 'b', replacement2: 'c' } }),
    ).toBe('[a]c');
    expect(one({ '@replace': { pattern: '1', replacement: '2', value: { '@path': '$.properties.price' } } })).toBe(
      '20',
    );
    expect(one({ '@replace': { pattern: '1', value: { '@path': '$.properties' } } })).toBe('');
    expect(one({ '@replace': { pattern: '1', value: '' } })).toBeUndefined();
  });
  it('@arrayPath', () => {
    expect(one({ '@arrayPath': ['$.properties.items', { sku: { '@path': '$.id' } }] })).toEqual([
      { sku: 'a' },
      { sku: 'b' },
    ]);
    expect(one({ '@arrayPath': ['$.traits', { n: { '@path': 'name' } }] })).toEqual([{ n: 'Ann' }]);
    expect(one({ '@arrayPath': ['$.properties.items'] })).toEqual(event.properties.items);
    expect(one({ '@arrayPath': ['$.missing', { a: 1 }] })).toBeUndefined();
  });
  it('@json', () => {
    expect(one({ '@json': { mode: 'encode', value: { '@path': '$.traits' } } })).toBe(
      '{"email":"A@B.co","name":"Ann"}',
    );
    expect(one({ '@json': { mode: 'decode', value: '{"a":1}' } })).toEqual({ a: 1 });
    expect(one({ '@json': { mode: 'decode', value: '{bad' } })).toBe('{bad');
    expect(one({ '@json': { mode: 'ENCODE', value: 'x' } })).toBeUndefined();
    expect(one({ '@json': { mode: 'encode', value: { '@path': '$.nope' } } })).toBeUndefined();
  });
  it('@merge', () => {
    const objects = [{ a: 1, b: 1 }, { '@path': '$.missing' }, { b: 2, c: 2 }];
    expect(one({ '@merge': { objects, direction: 'right' } })).toEqual({ a: 1, b: 2, c: 2 });
    expect(one({ '@merge': { objects, direction: 'left' } })).toEqual({ b: 1, c: 2, a: 1 });
    expect(() => one({ '@merge': { objects } })).toThrow('@merge requires a "direction" key');
  });
  it('@flatten', () => {
    expect(one({ '@flatten': { value: { a: { b: 1, c: [1, 2] }, d: {} }, separator: '.' } })).toEqual({
      'a.b': 1,
      'a.c.0': 1,
      'a.c.1': 2,
    });
    expect(one({ '@flatten': { value: { a: { c: [1, 2] } }, separator: '_', omitArrays: true } })).toEqual({
      a_c: [1, 2],
    });
    expect(one({ '@flatten': { value: 5, separator: '.' } })).toEqual({ '': 5 });
    expect(one({ '@flatten': { value: { '@path': '$.nope' }, separator: '.' } })).toEqual({});
    expect(() => one({ '@flatten': { value: 1 } })).toThrow('@flatten requires a "separator" key');
  });
  it('@transform', () => {
    expect(
      one({ '@transform': { apply: { id: { '@path': '$.userId' } }, mapping: { user: { '@path': '$.id' } } } }),
    ).toEqual({ user: 'u1' });
  });
  it('@excludeWhenNull', () => {
    expect(one({ '@excludeWhenNull': { '@path': '$.properties.nul' } })).toBeUndefined();
    expect(one({ '@excludeWhenNull': { '@path': '$.properties.nested' } })).toEqual({ y: { w: 1 } });
    expect(event.properties.nested.x).toBeNull();
  });
  it('@liquid', () => {
    expect(one({ '@liquid': 'Hi {{ traits.name | upcase }}' })).toBe('Hi ANN');
    expect(one({ '@liquid': '' })).toBe('');
    expect(() => one({ '@liquid': '{% for i in properties.items %}x{% endfor %}' })).toThrow('tag "for" is disabled');
    expect(() => one({ '@liquid': '{{ properties.items | map: "id" }}' })).toThrow('filter "map" is disabled');
    expect(() => one({ '@liquid': 'x'.repeat(1001) })).toThrow('liquid template values are limited to 1000 characters');
  });
  it('unknown directive inside a raw array fails at run time', () => {
    expect(() => run({ a: [{ '@oops': 1 }] })).toThrow('@oops is not a valid directive, got undefined');
  });
});

describe('mapping validation (§4)', () => {
  it('accepts the default mappings', () => {
    expect(validateMapping({ userId: { '@path': '$.userId' }, props: { a: 1 }, list: [{ '@oops': 1 }] })).toEqual([]);
  });
  it('reports reference messages', () => {
    expect(validateMapping({ '@path': true })).toEqual([
      '/@path should be a string or a mapping directive but it is a boolean.',
    ]);
    expect(validateMapping({ hash: { '@template': {} } })).toEqual([
      '/hash/@template should be a string or a mapping directive but it is an object.',
    ]);
    expect(validateMapping({ '@oops': 1 })).toEqual(['/ has an invalid directive: @oops.']);
    expect(validateMapping({ a: { '@path': 'x', '@template': 'y' } })).toEqual([
      '/a should only have one @-prefixed key but it has 2 keys.',
    ]);
    expect(validateMapping({ a: { '@path': 'x', b: 1 } })).toEqual([
      '/a should only have one @-prefixed key but it has 2 keys.',
    ]);
    expect(validateMapping({ a: { '@path': 'x', _metadata: {} } })).toEqual([]);
    expect(validateMapping({ a: { '@replace': { value: 'x', pattern: '' } } })).toEqual([
      '/a/@replace/pattern should be a string of length 1 or greater.',
    ]);
    expect(validateMapping({ a: { '@replace': { value: 'x', pattern: 'abcdefghijk', global: 'no' } } })).toEqual([
      '/a/@replace/pattern should be a string of length 10 or less.',
      '/a/@replace/global should be a boolean but it is a string.',
    ]);
    expect(validateMapping({ a: { '@replace': { value: 'x' } } })).toEqual([
      '/a/@replace should have field "pattern" but it doesn\'t.',
    ]);
    expect(validateMapping({ a: { '@json': { value: 'x', mode: 'zip' } } })).toEqual([
      '/a/@json/mode should be one of encode, decode but it is "zip".',
    ]);
    expect(validateMapping({ a: { '@merge': { objects: [1], direction: 'up' } } })).toEqual([
      '/a/@merge/objects/0 should be a object or a mapping directive but it is a number.',
      '/a/@merge/direction should be one of left, right but it is "up".',
    ]);
    expect(validateMapping({ a: { '@arrayPath': 'x' } })).toEqual([
      '/a/@arrayPath should be an array but it is a string.',
    ]);
    expect(validateMapping({ a: { '@if': 'x' } })).toEqual(['/a/@if should be an object but it is a string.']);
    expect(validateMapping({ a: { '@liquid': 1 } })).toEqual(['/a/@liquid should be a string but it is a number.']);
    expect(validateMapping({ a: { b: { '@path': 1 } }, c: { '@path': null } })).toEqual([
      '/a/b/@path should be a string or a mapping directive but it is a number.',
      '/c/@path should be a string or a mapping directive but it is a null.',
    ]);
  });
  it('an invalid mapping fails every time it runs', () => {
    expect(() => run({ a: { '@path': 1 } })).toThrow(
      '/a/@path should be a string or a mapping directive but it is a number.',
    );
  });
});
