import { compileDestination, type ActionId, type PipelineResult } from '..';

/**
 * mapping-and-triggers.md §2: own `__proto__` keys (JSON carries them) are found by lookups but
 * dropped, at any depth, from every object copied or built for a request. Events are built with
 * JSON.parse, exactly as they arrive.
 */

const PROPS = '{"__proto__": {"a": 1}, "b": 2, "c": {"__proto__": 3, "d": 4}}';

function event(properties: string, extra = ''): Record<string, unknown> {
  return JSON.parse(
    `{"type":"track","event":"E","userId":"u1","anonymousId":"an1","messageId":"m","properties":${properties}${extra}}`,
  ) as Record<string, unknown>;
}

/** Mapping literals with a `__proto__` key must come from JSON: in a JS literal that key sets the prototype. */
const json = (text: string): Record<string, unknown> => JSON.parse(text) as Record<string, unknown>;

function run(
  action: ActionId,
  mapping: Record<string, unknown>,
  ev: Record<string, unknown>,
  trigger = 'type = "track"',
): PipelineResult {
  const dest = compileDestination({
    settings: { apiKey: 'k' },
    presets: { trackEvent: false, identifyUser: false },
    mappings: [{ id: 'm', name: 'm', enabled: true, trigger, action, mapping }],
  });
  return dest.run(ev);
}

/** trackEventV2 with `properties` mapped as given: its body's properties (normalise strips characters only). */
function v2Properties(properties: unknown, props = PROPS): unknown {
  const result = run('trackEventV2', { name: 'E', properties }, event(props));
  expect(result.errors).toEqual([]);
  return (result.requests[0].request.body as Record<string, unknown>).properties;
}

describe('own __proto__ keys: dropped from requests, found by lookups (§2)', () => {
  it('the spec example: properties are sent as {"b": 2, "c": {"d": 4}}', () => {
    const result = run(
      'trackEventV2',
      { name: { '@path': '$.event' }, properties: { '@path': '$.properties' } },
      event(PROPS),
    );
    expect(JSON.stringify(result.requests[0].request.body)).toBe('{"name":"E","properties":{"b":2,"c":{"d":4}}}');
  });

  it.each<[string, unknown, string, string?]>([
    ['@path finds the key', { '@path': '$.properties.__proto__' }, '{"a":1}'],
    ['@path walks through it', { x: { '@path': '$.properties.__proto__.a' } }, '{"x":1}'],
    [
      '@template finds it',
      { x: { '@template': '{{properties.__proto__.a}}-{{{properties.c.__proto__}}}' } },
      '{"x":"1-3"}',
    ],
    ['a mapped object drops a __proto__ key', json('{"__proto__": {"@path": "$.properties.b"}, "k": 1}'), '{"k":1}'],
    [
      '@literal objects drop it',
      json('{"@literal": {"__proto__": 1, "k": {"__proto__": 2, "j": 3}}}'),
      '{"k":{"j":3}}',
    ],
    [
      '@merge drops it from every source',
      { '@merge': { objects: [{ '@path': '$.properties' }, { e: 5 }], direction: 'right' } },
      '{"b":2,"c":{"d":4},"e":5}',
    ],
    [
      '@flatten keeps joined keys, drops a leaf named __proto__',
      { '@flatten': { value: { '@path': '$.properties' }, separator: '_' } },
      '{"__proto___a":1,"b":2,"c___proto__":3,"c_d":4}',
    ],
    [
      '@flatten: a top-level leaf named __proto__ is dropped',
      { '@flatten': { value: { '@path': '$.properties.c' }, separator: '.' } },
      '{"d":4}',
    ],
    [
      '@excludeWhenNull drops it at every level',
      { '@excludeWhenNull': { '@path': '$.properties' } },
      '{"c":{"e":1}}',
      '{"__proto__": {"a": null}, "n": null, "c": {"__proto__": 3, "d": null, "e": 1}}',
    ],
    [
      '@json decode output is copied too',
      { '@json': { mode: 'decode', value: '{"__proto__":{"x":1},"y":2}' } },
      '{"y":2}',
    ],
    [
      '@json encode writes the raw value, as the reference does',
      { s: { '@json': { mode: 'encode', value: { '@path': '$.properties.c' } } } },
      '{"s":"{\\"__proto__\\":3,\\"d\\":4}"}',
    ],
    [
      '@arrayPath items: lookups find it, built items drop it',
      { l: { '@arrayPath': ['$.properties.list', { v: { '@path': '$.__proto__' }, o: { '@path': '.' } }] } },
      '{"l":[{"v":7,"o":{"k":2}}]}',
      '{"list": [{"__proto__": 7, "k": 2}]}',
    ],
    [
      'objects inside arrays drop it',
      { '@path': '$.properties' },
      '{"list":[{"k":2},[{"j":1}]]}',
      '{"list": [{"__proto__": 1, "k": 2}, [{"__proto__": null, "j": 1}]]}',
    ],
    [
      '@transform: the applied mapping is a copy without it',
      { '@transform': { apply: { p: { '@path': '$.properties' } }, mapping: { '@path': '$.p' } } },
      '{"b":2,"c":{"d":4}}',
    ],
  ])('%s', (...[, mapping, expected, props]) => {
    expect(JSON.stringify(v2Properties(mapping, props))).toBe(expected);
  });

  it('triggers find the key', () => {
    const ev = event(PROPS);
    expect(run('trackEventV2', { name: 'E' }, ev, 'properties.__proto__.a = 1').actions).toEqual(['trackEventV2']);
    expect(run('trackEventV2', { name: 'E' }, ev, 'properties.c.__proto__ = 4').actions).toEqual([]);
  });

  it('trackEvent (v1): event_data has no __proto__ (type suffixes are added to the rest)', () => {
    const result = run('trackEvent', { userId: 'u', name: 'E', properties: { '@path': '$.properties' } }, event(PROPS));
    expect(JSON.stringify(result.requests[0].request.body)).toBe(
      '{"event":{"event_name":"E","event_data":{"b_real":2,"c":{"d_real":4}}}}',
    );
  });

  it('identifyUser (v1) and identifyUserV2: traits lose it before camelCase and suffixes', () => {
    const ev = JSON.parse(
      '{"type":"identify","userId":"u","traits":{"__proto__":{"a":1},"first name":"A","o":{"__proto__":"x","k":1}}}',
    ) as Record<string, unknown>;
    const v1 = run('identifyUser', { userId: 'u', traits: { '@path': '$.traits' } }, ev, 'type = "identify"');
    expect(JSON.stringify(v1.requests[0].request.body)).toBe('{"firstName_str":"A","o":{"k_real":1}}');
    const v2 = run('identifyUserV2', { uid: 'u', properties: { '@path': '$.traits' } }, ev, 'type = "identify"');
    expect(JSON.stringify(v2.requests[0].request.body)).toBe('{"uid":"u","properties":{"firstname":"A","o":{"k":1}}}');
  });

  it('an object whose __proto__ was an array is typed as the reference types its copy (instanceof Array)', () => {
    const props =
      '{"s": {"__proto__": ["x"], "z": 1}, "n": {"__proto__": [1, 2], "1": 5, "k-k": 0},' +
      ' "m": {"__proto__": ["x", 1], "k-k": 0}, "own": {"__proto__": [], "length": 1, "0": {"a-b": 1}}, "no": {"__proto__": [], "length": {}}}';
    const result = run('trackEvent', { userId: 'u', name: 'E', properties: { '@path': '$.properties' } }, event(props));
    const data = (result.requests[0].request.body as { event: { event_data: unknown } }).event.event_data;
    // s: inherited ["x"] → strs, not normalised further; n: own "1" shadows → reals; m: mixed → obj (normalised);
    // own: own length 1 and own "0" (an object) → objs; no: length {} ends the check at once → strs.
    expect(JSON.stringify(data)).toBe(
      '{"s_strs":{"z":1},"n_reals":{"1":5,"k-k":0},"m":{"kk_real":0},"own_objs":{"0":{"a-b":1},"length":1},"no_strs":{"length":{}}}',
    );
  });
});
