import { withoutWriteKey } from './without-write-key';

describe('withoutWriteKey', () => {
  it.each([
    ['removes the key, keeping the order', { a: 1, writeKey: 'wk_x', b: 2 }, { a: 1, b: 2 }],
    ['leaves a message without one', { a: 1 }, { a: 1 }],
    ['keeps a nested writeKey (not a credential field)', { p: { writeKey: 'x' } }, { p: { writeKey: 'x' } }],
    ['passes non-objects through', 'text', 'text'],
    ['passes null through', null, null],
  ])('%s', (_name, input, expected) => {
    // As text, so the key order counts too.
    expect(JSON.stringify(withoutWriteKey(input))).toBe(JSON.stringify(expected));
  });

  it('returns the same object when there is nothing to strip', () => {
    const m = { userId: 'u' };
    expect(withoutWriteKey(m)).toBe(m);
  });

  it('does not mutate its input', () => {
    const m = { writeKey: 'k', userId: 'u' };
    withoutWriteKey(m);
    expect(m).toEqual({ writeKey: 'k', userId: 'u' });
  });
});
