import { canonicalJson, itemOutcomes } from './item-outcomes';

describe('itemOutcomes', () => {
  const a = { uid: 'a', properties: { x: 1, y: 2 } };
  const b = { uid: 'b' };
  it.each([
    ['no errors: all imported', [a, b], [], [true, true], 0],
    [
      'an error names its item by body, whatever the key order',
      [a, b],
      [{ code: 'invalid_argument', message: 'm', user: { properties: { y: 2, x: 1 }, uid: 'a' } }],
      [false, true],
      0,
    ],
    [
      'identical bodies: errors take the first unmatched',
      [b, b, a],
      [{ code: 'c', message: 'm', user: b }],
      [false, true, true],
      0,
    ],
    [
      'events are matched through `event`',
      [{ name: 'e' }],
      [{ code: 'c', message: 'm', event: { name: 'e' } }],
      [false],
      0,
    ],
    ['an error matching nothing is returned apart', [a], [{ code: 'c', message: 'm', user: { uid: 'z' } }], [true], 1],
  ])('%s', (_name, requests, errors, imported, unmatched) => {
    const r = itemOutcomes(requests, errors);
    expect(r.outcomes.map((o) => o.imported)).toEqual(imported);
    expect(r.unmatched).toHaveLength(unmatched);
  });

  it('tells transient codes from permanent ones', () => {
    const r = itemOutcomes(
      [a, b],
      [
        { code: 'unavailable', message: 'later', user: a },
        { code: 'invalid_argument', message: 'bad', user: b },
      ],
    );
    expect(r.outcomes).toEqual([
      { imported: false, code: 'unavailable', message: 'later', transient: true },
      { imported: false, code: 'invalid_argument', message: 'bad', transient: false },
    ]);
  });

  it('canonicalJson sorts keys at every depth, keeps array order', () => {
    expect(canonicalJson({ b: [2, 1], a: { d: 1, c: 2 } })).toBe('{"a":{"c":2,"d":1},"b":[2,1]}');
  });
});
