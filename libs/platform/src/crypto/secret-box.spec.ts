import { SecretBox, generateWriteKey, hashWriteKey, safeEqual } from './secret-box';

describe('SecretBox', () => {
  it('round-trips and never stores the plaintext', () => {
    const box = new SecretBox('a-development-key-of-some-length');
    const sealed = box.encrypt('na1.super-secret-api-key');
    expect(sealed).not.toContain('super-secret');
    expect(box.decrypt(sealed)).toBe('na1.super-secret-api-key');
    expect(box.encrypt('x')).not.toBe(box.encrypt('x'));
  });

  it('fails clearly with the wrong key, without leaking anything', () => {
    const sealed = new SecretBox('key-one-key-one-key-one').encrypt('na1.secret');
    expect(() => new SecretBox('key-two-key-two-key-two').decrypt(sealed)).toThrow(/SECRETS_KEY differs/);
  });

  it('hashes write keys deterministically', () => {
    const key = generateWriteKey();
    expect(hashWriteKey(key)).toBe(hashWriteKey(key));
    expect(hashWriteKey(key)).not.toContain(key);
    expect(safeEqual('abc', 'abc')).toBe(true);
    expect(safeEqual('abc', 'abd')).toBe(false);
    expect(safeEqual('abc', 'abcd')).toBe(false);
  });
});
