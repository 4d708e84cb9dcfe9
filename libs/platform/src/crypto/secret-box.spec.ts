import { createCipheriv, createHash, randomBytes } from 'crypto';
import { SecretBox, apiKeyBinding, deriveKeys, generateWriteKey, hashWriteKey, safeEqual } from './secret-box';

/** A value as versions before key derivation sealed it: AES-256-GCM under SHA-256(SECRETS_KEY), no binding. */
function legacySeal(secretsKey: string, plaintext: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', createHash('sha256').update(secretsKey).digest(), iv);
  const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return ['v1', iv, cipher.getAuthTag(), ct]
    .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
    .join('.');
}

const ROW = apiKeyBinding('7f1c0000-0000-4000-8000-000000000001');
const OTHER_ROW = apiKeyBinding('7f1c0000-0000-4000-8000-000000000002');

describe('SecretBox', () => {
  it('round-trips under a key id and never stores the plaintext', () => {
    const box = new SecretBox('a-development-key-of-some-length');
    const sealed = box.seal('na1.super-secret-api-key', ROW);
    expect(sealed).toMatch(new RegExp(`^v2\\.${box.keyId}\\.`));
    expect(box.keyId).toMatch(/^[A-Za-z0-9_-]{8}$/);
    expect(sealed).not.toContain('super-secret');
    expect(box.open(sealed, ROW)).toBe('na1.super-secret-api-key');
    expect(box.seal('x', ROW)).not.toBe(box.seal('x', ROW));
    expect(box.isCurrent(sealed)).toBe(true);
  });

  it('binds a value to its row: copied to another row it does not open', () => {
    const box = new SecretBox('a-development-key-of-some-length');
    expect(() => box.open(box.seal('na1.secret', ROW), OTHER_ROW)).toThrow(/belongs to another row/);
  });

  it('derives separate keys for encryption and MAC, none equal to the legacy SHA-256', () => {
    const k = deriveKeys('one-secrets-key-for-everything');
    expect(k.encryption.equals(k.mac)).toBe(false);
    expect(k.encryption.equals(k.legacyEncryption)).toBe(false);
    expect(k.legacyEncryption.equals(createHash('sha256').update('one-secrets-key-for-everything').digest())).toBe(
      true,
    );
    expect(deriveKeys('one-secrets-key-for-everything').id).toBe(k.id);
    expect(deriveKeys('another-secrets-key').id).not.toBe(k.id);
  });

  it('opens legacy v1 values (before key derivation) with the current or a previous key', () => {
    const legacy = legacySeal('the-old-secrets-key', 'na1.legacy');
    expect(new SecretBox('the-old-secrets-key').open(legacy, ROW)).toBe('na1.legacy');
    const rotated = new SecretBox('the-new-secrets-key', ['the-old-secrets-key']);
    expect(rotated.open(legacy, ROW)).toBe('na1.legacy');
    expect(rotated.isCurrent(legacy)).toBe(false);
    expect(() => new SecretBox('the-new-secrets-key').open(legacy, ROW)).toThrow(/SECRETS_KEY differs/);
  });

  it('opens values of a previous key during a rotation; only the current key seals', () => {
    const old = new SecretBox('the-old-secrets-key');
    const sealed = old.seal('na1.rotating', ROW);
    const rotated = new SecretBox('the-new-secrets-key', ['the-old-secrets-key']);
    expect(rotated.open(sealed, ROW)).toBe('na1.rotating');
    expect(rotated.isCurrent(sealed)).toBe(false);
    expect(rotated.seal('x', ROW)).toMatch(new RegExp(`^v2\\.${rotated.keyId}\\.`));
    expect(() => new SecretBox('the-new-secrets-key').open(sealed, ROW)).toThrow(
      `key id ${old.keyId} is neither SECRETS_KEY nor SECRETS_KEY_PREVIOUS`,
    );
  });

  it('refuses unknown formats without echoing them', () => {
    expect(() => new SecretBox('k-k-k-k-k-k-k-k').open('v9.abc.def', ROW)).toThrow(
      'Unrecognised encrypted secret format',
    );
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
