import fc from 'fast-check';
import { assignCopy, copyIteratively, inheritedArray } from './assign-copy';

const parse = (text: string): unknown => JSON.parse(text);

describe('assignCopy (copy by assignment, mapping-and-triggers.md §2)', () => {
  it('returns the very same value when there is nothing to drop (no allocation)', () => {
    const v = parse('{"a":{"b":[1,{"c":null}]},"d":"x"}');
    expect(assignCopy(v)).toBe(v);
    expect(assignCopy('s')).toBe('s');
    expect(assignCopy(null)).toBeNull();
  });

  it('drops own __proto__ keys and undefined values at any depth, inside arrays too, keeping key order', () => {
    const v = parse('{"z":1,"__proto__":{"a":1},"b":[{"__proto__":2,"c":3}],"d":{"e":{"__proto__":null,"f":4}},"g":5}');
    (v as Record<string, unknown>).u = undefined;
    const out = assignCopy(v);
    expect(JSON.stringify(out)).toBe('{"z":1,"b":[{"c":3}],"d":{"e":{"f":4}},"g":5}');
    expect(Object.keys(out as object)).toEqual(['z', 'b', 'd', 'g']);
    // The input is never changed.
    expect(Object.hasOwn(v as object, '__proto__')).toBe(true);
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
  });

  it('copies only the branches that change', () => {
    const v = parse('{"keep":{"x":1},"change":{"__proto__":1}}') as Record<string, unknown>;
    const out = assignCopy(v) as Record<string, unknown>;
    expect(out).not.toBe(v);
    expect(out.keep).toBe(v.keep);
    expect(out.change).toEqual({});
  });

  it('inheritedArray: the array an own __proto__ key holds (what the reference copy inherits from), nothing else', () => {
    const [fromArray, fromObject, fromNull, none] = parse(
      '[{"__proto__":["a"],"k":1},{"__proto__":{"0":"a"},"k":1},{"__proto__":null,"k":1},{"k":1}]',
    ) as object[];
    expect(inheritedArray(fromArray)).toEqual(['a']);
    expect(inheritedArray(fromObject)).toBeUndefined();
    expect(inheritedArray(fromNull)).toBeUndefined();
    expect(inheritedArray(none)).toBeUndefined();
    expect(inheritedArray(['a'])).toBeUndefined();
  });

  it('handles 40 levels of nesting in one linear walk', () => {
    let text = '{"__proto__":1,"leaf":true}';
    for (let i = 0; i < 40; i++) text = `{"__proto__":{"x":${i}},"n":${text}}`;
    let out = assignCopy(parse(text)) as Record<string, unknown>;
    for (let i = 0; i < 40; i++) {
      expect(Object.keys(out)).toEqual(['n']);
      out = out.n as Record<string, unknown>;
    }
    expect(out).toEqual({ leaf: true });
  });

  it('copies 20,000 levels (past the recursion limit) without overflowing the stack', () => {
    const depth = 20000;
    const text = '{"__proto__":1,"a":'.repeat(depth / 2) + '[[{"__proto__":2,"leaf":true}]]' + '}'.repeat(depth / 2);
    let out = assignCopy(parse(`[${text}]`)) as unknown;
    out = (out as unknown[])[0];
    for (let i = 0; i < depth / 2; i++) {
      expect(Object.keys(out as object)).toEqual(['a']);
      out = (out as Record<string, unknown>).a;
    }
    expect(JSON.stringify(out)).toBe('[[{"leaf":true}]]');
    const untouched = parse('['.repeat(depth) + '1' + ']'.repeat(depth));
    expect(assignCopy(untouched)).toBe(untouched);
  });
});

describe('copyIteratively (used below the recursion limit) makes the same copy as the recursive walk', () => {
  // Values as JSON.parse gives them, with an own __proto__ key added to some objects.
  const withProto = fc.tuple(fc.jsonValue({ maxDepth: 6 }), fc.integer({ min: 1, max: 4 })).map(([v, every]) => {
    const parsed = JSON.parse(JSON.stringify(v)) as unknown;
    let n = 0;
    const add = (x: unknown): void => {
      if (typeof x !== 'object' || x === null) return;
      for (const k of Object.keys(x)) add((x as Record<string, unknown>)[k]);
      if (!Array.isArray(x) && n++ % every === 0) {
        Object.defineProperty(x, '__proto__', { value: [n], enumerable: true, writable: true, configurable: true });
      }
    };
    add(parsed);
    return parsed;
  });

  it('same output, same sharing of untouched branches', () => {
    fc.assert(
      fc.property(withProto, (v) => {
        const a = assignCopy(v);
        const b = typeof v === 'object' && v !== null ? copyIteratively(v) : v;
        expect(JSON.stringify(b)).toBe(JSON.stringify(a));
        expect(b === v).toBe(a === v);
      }),
      { numRuns: 300 },
    );
  });
});
