import { redactCredential, redactHeaders } from './redact';

// Independent of the implementation: `printf %s test-api-key | sha256sum`.
const SHA_TEST_API_KEY = '4c806362b613f7496abf284146efd31da90e4b16169fe001841ca17290f427c4';

describe('redactCredential', () => {
  it.each([
    ['Basic test-api-key', `Basic <redacted sha256:${SHA_TEST_API_KEY}>`],
    ['Bearer   test-api-key ', `Bearer <redacted sha256:${SHA_TEST_API_KEY}>`],
    ['test-api-key', `<redacted sha256:${SHA_TEST_API_KEY}>`],
  ])('%j → %s', (value, expected) => expect(redactCredential(value)).toBe(expected));
});

describe('redactHeaders', () => {
  it('hashes credentials, keeps every other header and leaves the original untouched', () => {
    const headers = {
      authorization: 'Basic test-api-key',
      'proxy-authorization': ['Basic a', 'Basic b'],
      'content-type': 'application/json',
      'idempotency-key': 'k-1',
      absent: undefined,
    };
    const out = redactHeaders(headers);
    expect(out).toEqual({
      authorization: `Basic <redacted sha256:${SHA_TEST_API_KEY}>`,
      'proxy-authorization': [redactCredential('Basic a'), redactCredential('Basic b')],
      'content-type': 'application/json',
      'idempotency-key': 'k-1',
    });
    expect(JSON.stringify(out)).not.toContain('test-api-key');
    expect(headers.authorization).toBe('Basic test-api-key');
  });
});
