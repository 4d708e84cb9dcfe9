import { ACTION_IDS, defaultMapping, PRESETS } from '..';
import { ACTION_FIELDS } from '../schema/fields';
import { buildPreviewDestination, previewEvent } from './preview-core';
import { loadVectors, optionsFor } from './vector-cases';

/** Own property names (symbols included) and their descriptors' values, as text. */
function shapeOf(target: object): string {
  return Reflect.ownKeys(target)
    .map((k) => {
      const d = Object.getOwnPropertyDescriptor(target, k) as PropertyDescriptor;
      return `${String(k)}:${typeof d.value}:${String(d.enumerable)}:${typeof d.get}:${typeof d.set}`;
    })
    .sort()
    .join('|');
}

const BUILTINS: Array<[string, object]> = [
  ['Object.prototype', Object.prototype],
  ['Array.prototype', Array.prototype],
  ['Function.prototype', Function.prototype],
  ['String.prototype', String.prototype],
];

/** Every object and array reachable from `value`, with the path to it. */
function* objectsIn(value: unknown, path = '$'): Generator<[string, object]> {
  if (typeof value !== 'object' || value === null) return;
  yield [path, value];
  for (const k of Object.keys(value)) yield* objectsIn((value as Record<string, unknown>)[k], `${path}.${k}`);
}

/** The engine's own configuration objects, serialised with every prototype along the way. */
function engineState(): string {
  const roots = { PRESETS, ACTION_FIELDS, defaults: ACTION_IDS.map(defaultMapping) };
  const parts: string[] = [];
  for (const [path, obj] of objectsIn(roots)) {
    const proto: unknown = Object.getPrototypeOf(obj);
    parts.push(`${path}:${proto === Object.prototype ? 'O' : proto === Array.prototype ? 'A' : 'OTHER'}`);
  }
  return JSON.stringify(roots) + parts.join(',');
}

describe('hostile vectors never change a prototype and never send a __proto__ key', () => {
  const cases = loadVectors('edge.ndjson');

  it('Object.prototype, the other built-in prototypes and the engine objects are untouched', () => {
    const withProtoKey = cases.filter((c) => [...objectsIn(c.event)].some(([, o]) => Object.hasOwn(o, '__proto__')));
    // The sample is meaningful: about a third of the events carry such a key somewhere.
    expect(withProtoKey.length).toBeGreaterThan(500);

    const before = BUILTINS.map(([name, p]) => `${name}=${shapeOf(p)}`);
    const engineBefore = engineState();
    const bodies: unknown[] = [];
    for (const c of cases) {
      const line = previewEvent(buildPreviewDestination(optionsFor(c)), c.event);
      for (const r of line.requests) bodies.push(r.body);
    }
    expect(BUILTINS.map(([name, p]) => `${name}=${shapeOf(p)}`)).toEqual(before);
    expect(engineState()).toBe(engineBefore);
    // Nothing inherited shows up on fresh objects.
    const probe: Record<string, unknown> = {};
    expect(Object.keys(Object.getPrototypeOf(probe) as object)).toEqual([]);
    for (const k in probe) throw new Error(`inherited enumerable key ${k}`);

    const expectedBodies = cases.reduce((n, c) => n + c.expect.requests.filter((r) => 'body' in r).length, 0);
    expect(bodies.filter((b) => b !== undefined)).toHaveLength(expectedBodies);
    const offending: string[] = [];
    for (const body of bodies) {
      for (const [path, obj] of objectsIn(body)) {
        const proto: unknown = Object.getPrototypeOf(obj);
        if (Object.hasOwn(obj, '__proto__')) offending.push(`${path} has an own __proto__ key`);
        if (proto !== Object.prototype && proto !== Array.prototype) offending.push(`${path} has a changed prototype`);
      }
    }
    expect(offending.slice(0, 10)).toEqual([]);
  });
});
