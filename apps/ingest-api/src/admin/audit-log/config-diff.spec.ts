import { SECRET_CHANGED, SECRET_MASK, configDiff, maskSecrets } from './config-diff';

describe('configDiff', () => {
  const cases: Array<[string, Record<string, unknown> | null, Record<string, unknown> | null, unknown]> = [
    ['nothing changed', { name: 'a', enabled: true }, { name: 'a', enabled: true }, {}],
    ['a renamed field', { name: 'a' }, { name: 'b' }, { name: { before: 'a', after: 'b' } }],
    ['updated_at is not a change', { name: 'a', updated_at: 1 }, { name: 'a', updated_at: 2 }, {}],
    [
      'a rotated API key shows only that it changed',
      { api_key_encrypted: 'v1:abc' },
      { api_key_encrypted: 'v1:def' },
      { api_key_encrypted: { before: SECRET_MASK, after: SECRET_CHANGED } },
    ],
    [
      'a created row',
      null,
      { name: 'a', write_key_hash: 'h' },
      { name: { before: null, after: 'a' }, write_key_hash: { before: null, after: SECRET_CHANGED } },
    ],
    ['an archived row', { name: 'a' }, null, { name: { before: 'a', after: null } }],
    [
      'nested settings are masked',
      { settings: { apiKey: 'x', region: 'us' } },
      { settings: { apiKey: 'y', region: 'eu' } },
      { settings: { before: { apiKey: SECRET_MASK, region: 'us' }, after: { apiKey: SECRET_MASK, region: 'eu' } } },
    ],
    [
      'arrays compare whole',
      { source_ids: ['a'] },
      { source_ids: ['a', 'b'] },
      { source_ids: { before: ['a'], after: ['a', 'b'] } },
    ],
  ];
  it.each(cases)('%s', (_name, before, after, expected) => {
    expect(configDiff(before, after)).toEqual(expected);
  });

  it('keeps no user ids, only their count', () => {
    expect(maskSecrets({ filter: { userIds: ['a', 'b'] }, userId: 'c' })).toEqual({
      filter: { userIds: '[2 user(s)]' },
      userId: '[user]',
    });
  });

  it('masks secrets at any depth', () => {
    expect(maskSecrets({ a: [{ token: 't', writeKey: 'w', ok: 1 }], password: 'p' })).toEqual({
      a: [{ token: SECRET_MASK, writeKey: SECRET_MASK, ok: 1 }],
      password: SECRET_MASK,
    });
  });
});
