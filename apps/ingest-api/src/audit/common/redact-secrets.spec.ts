import { REDACTED, redactSecrets } from './redact-secrets';

describe('redactSecrets', () => {
  it.each([
    ['a top-level writeKey', { writeKey: 'wk_1', event: 'A' }, { writeKey: REDACTED, event: 'A' }],
    [
      'other spellings',
      { write_key: 'x', WRITEKEY: 'y', 'write-key': 'z' },
      { write_key: REDACTED, WRITEKEY: REDACTED, 'write-key': REDACTED },
    ],
    ['a nested one', { context: { writeKey: { k: 1 } } }, { context: { writeKey: REDACTED } }],
    ['inside arrays', [{ writeKey: 'a' }, 2, null], [{ writeKey: REDACTED }, 2, null]],
    [
      'nothing to redact',
      { event: 'Order', properties: { key: 'writeKey' } },
      { event: 'Order', properties: { key: 'writeKey' } },
    ],
    ['a scalar', 'writeKey', 'writeKey'],
    ['null', null, null],
  ])('%s', (_name, input, expected) => {
    expect(redactSecrets(input)).toEqual(expected);
  });

  it('does not change the input', () => {
    const input = { writeKey: 'wk', nested: { writeKey: 'wk2' } };
    redactSecrets(input);
    expect(input).toEqual({ writeKey: 'wk', nested: { writeKey: 'wk2' } });
  });

  it('keeps a "__proto__" key as data, without touching the prototype', () => {
    const input = JSON.parse('{"__proto__":{"writeKey":"wk","polluted":true}}') as unknown;
    const out = redactSecrets(input) as Record<string, unknown>;
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(out, '__proto__')?.value).toEqual({ writeKey: REDACTED, polluted: true });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
