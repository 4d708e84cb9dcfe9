import { randomBytes } from 'crypto';
import { ConfigError, EnvReader } from './env';
import { readCommonConfig } from './common.config';
import { decodeSecretsKey, productionAdminTokenProblems, productionSecretsKeyProblems } from './secret-strength';

const randomKey = randomBytes(32);

describe('decodeSecretsKey', () => {
  it.each([
    ['hex, 64 digits', randomKey.toString('hex'), randomKey],
    ['base64 with padding', randomKey.toString('base64'), randomKey],
    ['base64 without padding', randomKey.toString('base64').replace('=', ''), randomKey],
    ['base64url', randomKey.toString('base64url'), randomKey],
    ['hex, 62 digits (31 bytes)', randomKey.toString('hex').slice(2), undefined],
    ['base64 of 24 bytes', randomBytes(24).toString('base64'), undefined],
    ['base64 of 48 bytes', randomBytes(48).toString('base64'), undefined],
    ['a passphrase', 'correct horse battery staple and more words', undefined],
  ])('%s', (_name, value, expected) => {
    expect(decodeSecretsKey(value)).toEqual(expected);
  });
});

describe('productionSecretsKeyProblems', () => {
  it.each([
    ['openssl rand -base64 32', randomBytes(32).toString('base64'), []],
    ['openssl rand -hex 32', randomBytes(32).toString('hex'), []],
    [
      'the old compose placeholder',
      'change-me-32-bytes-of-secret-key-material',
      ['is a placeholder (contains "change-me"); generate 32 random bytes: openssl rand -base64 32'],
    ],
    [
      'a placeholder in capitals',
      'CHANGEME-CHANGEME-CHANGEME-CHANGEME-CHANGEM',
      ['is a placeholder (contains "changeme"); generate 32 random bytes: openssl rand -base64 32'],
    ],
    [
      'a 16-character string (accepted outside production)',
      'test-secrets-key',
      [
        'must be 32 random bytes, base64- or hex-encoded, when NODE_ENV=production (generate one: openssl rand -base64 32)',
      ],
    ],
    [
      '32 zero bytes in hex',
      '0'.repeat(64),
      ['is not random (too few distinct bytes); generate 32 random bytes: openssl rand -base64 32'],
    ],
    [
      'a repeated 4-byte pattern',
      Buffer.alloc(32, Buffer.from([1, 2, 3, 4])).toString('base64'),
      ['is not random (too few distinct bytes); generate 32 random bytes: openssl rand -base64 32'],
    ],
  ])('%s', (_name, value, expected) => {
    expect(productionSecretsKeyProblems(value)).toEqual(expected);
  });
});

describe('productionAdminTokenProblems', () => {
  const weak = 'is too weak for NODE_ENV=production: use at least 32 random characters (openssl rand -hex 32)';
  it.each([
    ['openssl rand -hex 32', randomBytes(32).toString('hex'), []],
    ['openssl rand -base64 24', randomBytes(24).toString('base64'), []],
    [
      'the old compose placeholder',
      'change-me-admin-token-please',
      ['is a placeholder (contains "change-me"); generate a random token: openssl rand -hex 32'],
    ],
    [
      'a long example value',
      'example-admin-token-0123456789abcdef-0123456789',
      ['is a placeholder (contains "example"); generate a random token: openssl rand -hex 32'],
    ],
    ['31 characters', randomBytes(32).toString('hex').slice(0, 31), [weak]],
    ['32 characters of one letter', 'a'.repeat(32), [weak]],
    ['a 40-character pattern of 4 letters', 'abcd'.repeat(10), [weak]],
  ])('%s', (_name, value, expected) => {
    expect(productionAdminTokenProblems(value)).toEqual(expected);
  });
});

describe('readCommonConfig in production', () => {
  const base = {
    NODE_ENV: 'production',
    FULLSTORY_BASE_URL: 'https://api.fullstory.com',
    DATABASE_URL: 'postgres://postgres:pw@db:5432/fsd',
  };
  const problemsOf = (env: Record<string, string>): string[] => {
    const r = new EnvReader({ ...base, ...env });
    readCommonConfig(r);
    try {
      r.done();
    } catch (e) {
      if (e instanceof ConfigError) return e.problems;
      throw e;
    }
    return [];
  };

  it('refuses the placeholders docker-compose.yml used to ship, naming both variables and never the values', () => {
    const problems = problemsOf({
      ADMIN_TOKEN: 'change-me-admin-token-please',
      SECRETS_KEY: 'change-me-32-bytes-of-secret-key-material',
    });
    expect(problems).toEqual([
      'ADMIN_TOKEN is a placeholder (contains "change-me"); generate a random token: openssl rand -hex 32',
      'SECRETS_KEY is a placeholder (contains "change-me"); generate 32 random bytes: openssl rand -base64 32',
    ]);
    expect(problems.join('\n')).not.toContain('please');
    expect(problems.join('\n')).not.toContain('key-material');
  });

  it('accepts generated secrets', () => {
    expect(
      problemsOf({ ADMIN_TOKEN: randomBytes(32).toString('hex'), SECRETS_KEY: randomBytes(32).toString('base64') }),
    ).toEqual([]);
  });

  it('refuses the same value for both', () => {
    const same = randomBytes(32).toString('hex');
    expect(problemsOf({ ADMIN_TOKEN: same, SECRETS_KEY: same })).toEqual([
      'ADMIN_TOKEN must differ from SECRETS_KEY (the admin token is typed into browsers; the key must never leave the servers)',
    ]);
  });

  it('keeps the short development secrets the test stack uses outside production', () => {
    const r = new EnvReader({ NODE_ENV: 'test', ADMIN_TOKEN: 'test-admin-token-x', SECRETS_KEY: 'test-secrets-key-x' });
    const c = readCommonConfig(r);
    expect(() => r.done()).not.toThrow();
    expect(c.secretsKey).toBe('test-secrets-key-x');
  });
});
