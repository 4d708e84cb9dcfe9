import fc from 'fast-check';
import { addSuffix, inferType, normalise, transformKey } from './normalise';

const date1 = new Date(2000, 1);
const date2 = new Date(2000, 2);
const date3 = new Date(2000, 3);
const samples: Record<string, unknown> = {
  str: 'some string',
  strs: ['string 1', 'string 2'],
  bool: true,
  bools: [true, false],
  real: 1.23,
  reals: [1, 4.56],
  int: 1,
  ints: [2, 3],
  date: date1,
  dates: [date2, date3],
  obj: {},
  objs: [{}, { nested_string_str: 'nested string' }],
};

describe('normalise (§4, §9.3)', () => {
  it('V-1 keeps undefined values unsuffixed', () => {
    const out = normalise({ someProp: undefined }, { typeSuffix: true });
    expect(Object.keys(out)).toEqual(['someProp']);
    expect(out.someProp).toBeUndefined();
  });

  it('V-2 falsy input gives {}', () => {
    expect(normalise(undefined)).toEqual({});
    expect(normalise(null)).toEqual({});
    expect(normalise('')).toEqual({});
  });

  it('V-3 already-suffixed keys are identical', () => {
    const input: Record<string, unknown> = {};
    for (const [t, v] of Object.entries(samples)) input[`${t}_prop_${t}`] = v;
    expect(normalise(input, { typeSuffix: true })).toEqual(input);
  });

  it('V-4 without typeSuffix keys stay', () => {
    expect(normalise({ str_prop: 'some string' }, {})).toEqual({ str_prop: 'some string' });
    expect(normalise({ str_prop: 'some string' }, { typeSuffix: false })).toEqual({ str_prop: 'some string' });
  });

  it('V-5 suffix inference', () => {
    const out = normalise(
      {
        str_prop: 'x',
        strs_prop: ['a'],
        bool_prop1: true,
        bool_prop2: false,
        bools_prop: [true],
        real_prop: 1.5,
        reals_prop: [1, 4.56],
        int_prop: 1,
        ints_prop: [2, 3],
        date_prop: date1,
        dates_prop: [date2, date3],
        obj_prop: {},
        objs_prop: [{}, { a: 1 }],
      },
      { typeSuffix: true },
    );
    expect(Object.keys(out)).toEqual([
      'str_prop_str',
      'strs_prop_strs',
      'bool_prop1_bool',
      'bool_prop2_bool',
      'bools_prop_bools',
      'real_prop_real',
      'reals_prop_reals',
      'int_prop_real',
      'ints_prop_reals',
      'date_prop_date',
      'dates_prop_dates',
      'obj_prop',
      'objs_prop_objs',
    ]);
  });

  it('V-6 camelCase + typeSuffix', () => {
    const out = normalise(
      {
        string_str: 'some string',
        moreStrings: ['more', 'strings'],
        last_string_str: 'last string',
        'hyphenated-bool': true,
        'dotted.date': date1,
        'spaced real': 1.23,
      },
      { camelCase: true, typeSuffix: true },
    );
    expect(out).toEqual({
      string_str: 'some string',
      moreStrings_strs: ['more', 'strings'],
      lastString_str: 'last string',
      hyphenatedBool_bool: true,
      dottedDate_date: date1,
      spacedReal_real: 1.23,
    });
  });

  it('V-7 depth limit: levels 1-5 normalised, 6+ untouched', () => {
    const input = {
      first: { second: { third: { fourth: { fourth_nested: 'some string', fifth: { fifth_nested: 'x' } } } } },
    };
    expect(JSON.stringify(normalise(input, { camelCase: true, typeSuffix: true }))).toBe(
      JSON.stringify({
        first: { second: { third: { fourth: { fourthNested_str: 'some string', fifth: { fifth_nested: 'x' } } } } },
      }),
    );
  });

  it.each([' ', '.', '-', ':'])('V-8..11 strips %j', (c) => {
    const input = {
      [`type${c}_suffixed${c}${c}_property_str`]: 'some-string',
      [`type${c}${c}_without${c}_suffix`]: 'some-other-string',
    };
    expect(normalise(input, { typeSuffix: true })).toEqual({
      type_suffixed_property_str: 'some-string',
      type_without_suffix_str: 'some-other-string',
    });
  });

  it('V-12 camelCase targets', () => {
    expect(normalise({ 'type.including camel-case:targets_str': 'x' }, { camelCase: true, typeSuffix: true })).toEqual({
      typeIncludingCamelCaseTargets_str: 'x',
    });
  });

  it.each([
    ['first_name', 'x', 'firstName_str'],
    ['First Name', 'x', 'firstName_str'],
    ['XMLHttp', 1, 'xmlHttp_real'],
    ['ALLCAPS', 1, 'allcaps_real'],
    ['address1', 'x', 'address1_str'],
    ['a1b', 1, 'a1B_real'],
    ['user_id_int', 5, 'userId_int'],
    ['with_obj', {}, 'with_obj'],
    ['key_strs', 'notarray', 'key_strs'],
    ['dotted.key_real', 1, 'dottedKey_real'],
    ['str', 1, 'str_real'],
    ['_str', 'x', '_str'],
    ['bool_', true, 'bool_bool'],
    ['', 1, '_real'],
    ['naïve key', 1, 'naiveKey_real'],
  ])('camelCase+typeSuffix %j → %j', (key, value, expected) => {
    expect(Object.keys(normalise({ [key]: value }, { camelCase: true, typeSuffix: true }))).toEqual([expected]);
  });

  it('X-9: non-homogeneous arrays become index-keyed objects', () => {
    expect(normalise({ mixed: [1, 'a'], arr: [], d: { 'x-y': { z_str: 1 } }, n: null }, { typeSuffix: true })).toEqual({
      mixed: { '0_real': 1, '1_str': 'a' },
      arr_strs: [],
      d: { xy: { z_str: 1 } },
      n: null,
    });
  });

  it('collisions: later value wins, first position kept', () => {
    const out = normalise({ 'a-b': 1, c: 2, ab: 3 });
    expect(JSON.stringify(out)).toBe('{"ab":3,"c":2}');
  });

  it('own __proto__ keys and names that come out as __proto__ are dropped, never a prototype (§2)', () => {
    const input = JSON.parse(
      '{"__proto__":{"polluted":true},"x":1,"__proto__!":[1],"y":{"__pro to__":null}}',
    ) as Record<string, unknown>;
    const out = normalise(input);
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(JSON.stringify(out)).toBe('{"x":1,"y":{}}');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    // An own __proto__ key is skipped (the reference's copy never has it); other keys camelCase as usual.
    expect(JSON.stringify(normalise(input, { camelCase: true }))).toBe('{"x":1,"proto":[1],"y":{"proTo":null}}');
  });

  it('inferType / transformKey / addSuffix helpers', () => {
    expect(inferType([null])).toBe('obj');
    expect(inferType(null)).toBeUndefined();
    expect(inferType([[1], [2]])).toBe('objs');
    expect(transformKey('a-b_str', false)).toBe('ab_str');
    expect(addSuffix('b_str', 2)).toBe('b_str');
    expect(addSuffix('n', null)).toBe('n');
  });
});

describe('normalise properties (fast-check)', () => {
  const json = fc.jsonValue({ maxDepth: 7 });
  const objects = fc.dictionary(fc.string(), json, { maxKeys: 8 });
  const optsArb = fc.record({ camelCase: fc.boolean(), typeSuffix: fc.boolean() });

  const allKeys = (v: unknown, depth: number, out: Array<[string, number]>): void => {
    if (depth > 5 || typeof v !== 'object' || v === null) return;
    for (const [k, child] of Object.entries(v)) {
      out.push([k, depth]);
      if (!Array.isArray(child)) allKeys(child, depth + 1, out);
    }
  };

  it('keys on levels 1-5 only use [A-Za-z0-9_]', () => {
    fc.assert(
      fc.property(objects, optsArb, (obj, opts) => {
        const keys: Array<[string, number]> = [];
        allKeys(normalise(obj, opts), 1, keys);
        return keys.every(([k]) => /^[A-Za-z0-9_]*$/.test(k));
      }),
    );
  });

  it('is idempotent without camelCase (strip / strip+suffix)', () => {
    fc.assert(
      fc.property(objects, fc.boolean(), (obj, typeSuffix) => {
        const once = normalise(obj, { typeSuffix });
        const twice = normalise(once, { typeSuffix });
        return JSON.stringify(once) === JSON.stringify(twice);
      }),
    );
  });

  it('never adds a suffix to a name that already ends in a known suffix', () => {
    const suffix = fc.constantFrom(
      'str',
      'bool',
      'real',
      'int',
      'date',
      'strs',
      'bools',
      'reals',
      'ints',
      'dates',
      'objs',
      'obj',
    );
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z]{1,6}$/), suffix, json, (base, s, value) => {
        return addSuffix(`${base}_${s}`, value) === `${base}_${s}`;
      }),
    );
  });

  it('suffix matches the inferred type for scalars', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[a-z]{1,6}$/),
        fc.oneof(fc.string(), fc.boolean(), fc.double({ noNaN: true })),
        (k, v) => {
          const [key] = Object.keys(normalise({ [k]: v }, { typeSuffix: true }));
          const t = typeof v === 'string' ? 'str' : typeof v === 'boolean' ? 'bool' : 'real';
          return key === `${k}_${t}`;
        },
      ),
    );
  });

  // Own `__proto__` keys are the one exception: the reference's copy by assignment drops them at any depth.
  const hasOwnProtoKey = (v: unknown): boolean => JSON.stringify(v)?.includes('"__proto__"') ?? false;

  it('leaves objects below level 5 untouched (same reference) when they hold no own __proto__ key', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.string(), json).filter((d) => !hasOwnProtoKey(d)),
        (deep) => {
          const input = { a: { b: { c: { d: { e: deep } } } } };
          const out = normalise(input) as { a: { b: { c: { d: { e: unknown } } } } };
          return out.a.b.c.d.e === deep;
        },
      ),
    );
  });

  it('copies an object below level 5 that holds an own __proto__ key, without that key', () => {
    const deep = JSON.parse('{"__proto__": [], "kept": {"__proto__": false, "x": 1}}') as object;
    const out = normalise({ a: { b: { c: { d: { e: deep } } } } }) as { a: { b: { c: { d: { e: unknown } } } } };
    expect(out.a.b.c.d.e).not.toBe(deep);
    expect(JSON.stringify(out.a.b.c.d.e)).toBe('{"kept":{"x":1}}');
  });

  it('never mutates its input', () => {
    fc.assert(
      fc.property(objects, optsArb, (obj, opts) => {
        const before = JSON.stringify(obj);
        normalise(obj, opts);
        return JSON.stringify(obj) === before;
      }),
    );
  });
});
