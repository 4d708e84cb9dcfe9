import { deriveKey } from '../crypto/derive-key';
import { IDENTITY_HASH_PREFIX, IdentityHasher } from './identity-hash';
import { erasedTombstone, isErasedTombstone } from './tombstone';

describe('deriveKey', () => {
  it('gives 32 bytes, stable per (secret, purpose), different across purposes and secrets', () => {
    const a = deriveKey('secret-one-0123456789', 'identity-hash');
    expect(a).toHaveLength(32);
    expect(deriveKey('secret-one-0123456789', 'identity-hash').equals(a)).toBe(true);
    expect(deriveKey('secret-one-0123456789', 'other').equals(a)).toBe(false);
    expect(deriveKey('secret-two-0123456789', 'identity-hash').equals(a)).toBe(false);
  });
});

describe('IdentityHasher', () => {
  it('is keyed, deterministic and never contains the identifier', () => {
    const h = new IdentityHasher('secret-one-0123456789');
    const v = h.hash('ada@example.com');
    expect(v.startsWith(IDENTITY_HASH_PREFIX)).toBe(true);
    expect(v).toHaveLength(IDENTITY_HASH_PREFIX.length + 43);
    expect(v).not.toContain('ada');
    expect(h.hash('ada@example.com')).toBe(v);
    expect(h.hash('ada@example.org')).not.toBe(v);
    expect(new IdentityHasher('secret-two-0123456789').hash('ada@example.com')).not.toBe(v);
  });
});

describe('tombstones', () => {
  it.each<[string, unknown, boolean]>([
    ['a tombstone', erasedTombstone('7', new Date(0)), true],
    ['an event with an erased property', { erased: { at: 'x' }, userId: 'u' }, false],
    ['an event', { type: 'track', userId: 'u' }, false],
    ['erased not an object', { erased: true }, false],
    ['null', null, false],
    ['an array', [{ erased: {} }], false],
  ])('%s', (_name, value, expected) => {
    expect(isErasedTombstone(value)).toBe(expected);
  });

  it('says when and by which deletion', () => {
    expect(erasedTombstone('42', new Date('2026-01-02T03:04:05Z'))).toEqual({
      erased: { at: '2026-01-02T03:04:05.000Z', deletionId: '42' },
    });
  });
});
