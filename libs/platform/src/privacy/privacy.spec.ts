import { deriveKey } from '../crypto/derive-key';
import { IDENTITY_HASH_PREFIX, IdentityHasher, RecentIdentityHashes } from './identity-hash';
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

describe('RecentIdentityHashes', () => {
  /** The hasher's answers, and how many times each identity was hashed. */
  function countingHasher() {
    const real = new IdentityHasher('secret-one-0123456789');
    const calls = new Map<string, number>();
    return {
      calls,
      hash: (id: string) => {
        calls.set(id, (calls.get(id) ?? 0) + 1);
        return real.hash(id);
      },
    };
  }

  it("gives the hasher's hash, computing an identity seen recently once", () => {
    const hasher = countingHasher();
    const recent = new RecentIdentityHashes(hasher);
    const real = new IdentityHasher('secret-one-0123456789');
    for (let i = 0; i < 3; i++) {
      expect(recent.hash('ada@example.com')).toBe(real.hash('ada@example.com'));
      expect(recent.hash('grace@example.com')).toBe(real.hash('grace@example.com'));
    }
    expect([...hasher.calls]).toEqual([
      ['ada@example.com', 1],
      ['grace@example.com', 1],
    ]);
  });

  it('holds at most max identities, dropping the least recently used', () => {
    const hasher = countingHasher();
    const recent = new RecentIdentityHashes(hasher, { max: 2, ttlMs: 60_000 });
    recent.hash('a');
    recent.hash('b');
    recent.hash('a');
    recent.hash('c');
    expect(recent.size).toBe(2);
    recent.hash('a');
    recent.hash('b');
    expect(Object.fromEntries(hasher.calls)).toEqual({ a: 1, b: 2, c: 1 });
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
