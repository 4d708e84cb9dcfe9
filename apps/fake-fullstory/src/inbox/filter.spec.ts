import { createHash } from 'crypto';
import { CapturedEntry } from '../store/captured-requests';
import { endpointOf, keyHashOf, matchesFilter, parseInboxQuery, statusMatches, summarize, usersOf } from './filter';

const sha = (s: string): string => createHash('sha256').update(s, 'utf8').digest('hex');
const KEY = sha('test-api-key');

function entry(over: Partial<CapturedEntry> = {}): CapturedEntry {
  return {
    method: 'POST',
    path: '/v2/events',
    query: {},
    headers: { authorization: `Basic <redacted sha256:${KEY}>` },
    body: { name: 'Viewed', user: { uid: 'user-1' } },
    receivedAt: '2024-01-01T00:00:00.000Z',
    receivedAtMs: 0,
    status: 200,
    notes: [],
    seq: 1,
    rev: 2,
    route: '/v2/events',
    ...over,
  };
}

describe('parseInboxQuery', () => {
  it.each<[string, Record<string, unknown>, unknown]>([
    ['nothing', {}, { value: { filter: {}, after: 0 }, problems: [] }],
    ['blank values mean any', { user: ' ', status: '' }, { value: { filter: {}, after: 0 }, problems: [] }],
    [
      'every filter',
      { endpoint: 'POST /v2/events', user: 'u1', status: '4XX', keyHash: KEY.toUpperCase(), after: '12' },
      {
        value: { filter: { endpoint: 'POST /v2/events', user: 'u1', status: '4xx', keyHash: KEY }, after: 12 },
        problems: [],
      },
    ],
    ['first of repeated', { status: ['503', '200'] }, { value: { filter: { status: '503' }, after: 0 }, problems: [] }],
    ['dropped', { status: 'dropped' }, { value: { filter: { status: 'dropped' }, after: 0 }, problems: [] }],
    ['pending', { status: 'pending' }, { value: { filter: { status: 'pending' }, after: 0 }, problems: [] }],
  ])('%s', (_name, query, expected) => {
    expect(parseInboxQuery(query)).toEqual(expected);
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['status word', { status: 'failed' }, 'status must be'],
    ['status 6xx', { status: '6xx' }, 'status must be'],
    ['status 2x', { status: '2x' }, 'status must be'],
    ['a raw key', { keyHash: 'test-api-key' }, 'keyHash must be 64 hex digits'],
    ['negative cursor', { after: '-1' }, 'after must be'],
    ['cursor text', { after: 'x' }, 'after must be'],
  ])('refuses %s', (_name, query, message) => {
    const r = parseInboxQuery(query);
    expect(r.value).toBeUndefined();
    expect(r.problems).toEqual([expect.stringContaining(message)]);
  });
});

describe('endpointOf', () => {
  it.each<[Partial<CapturedEntry>, string]>([
    [{ method: 'POST', path: '/v2/users/123', route: '/v2/users/:id' }, 'POST /v2/users/:id'],
    [{ method: 'GET', path: '/v2beta/users', route: '/v2beta/users' }, 'GET /v2beta/users'],
    [{ method: 'GET', path: '/nope', route: undefined }, 'GET /nope'],
  ])('%j → %s', (over, expected) => {
    expect(endpointOf(entry(over))).toBe(expected);
  });
});

describe('usersOf', () => {
  it.each<[string, Partial<CapturedEntry>, string[]]>([
    ['v2 event user.uid', {}, ['user-1']],
    ['v2 event user.id', { body: { name: 'x', user: { id: '100001' } } }, ['100001']],
    ['v2 users body uid', { path: '/v2/users', body: { uid: 'u2', display_name: 'n' } }, ['u2']],
    ['v2 user id in path', { path: '/v2/users/1000000000001', body: { email: 'a@b.c' } }, ['1000000000001']],
    ['v2beta path', { path: '/v2beta/users/77', body: null }, ['77']],
    [
      'batch path is not a user',
      { path: '/v2/users/batch', body: { requests: [{ uid: 'b1' }, { uid: 'b2' }] } },
      ['b1', 'b2'],
    ],
    ['batch events', { path: '/v2/events/batch', body: { requests: [{ user: { uid: 'e1' } }, 'junk'] } }, ['e1']],
    ['v1 uid decoded', { path: '/users/v1/individual/fake%2Fuser/customvars', body: {} }, ['fake/user']],
    ['v1 bad encoding kept', { path: '/users/v1/individual/%E0%A4%A/customvars', body: {} }, ['%E0%A4%A']],
    ['query uid', { method: 'DELETE', path: '/v2/users', query: { uid: 'q1' }, body: null }, ['q1']],
    ['query uid repeated', { path: '/v2/users', query: { uid: ['q1', 'q2'] }, body: null }, ['q1']],
    ['duplicates once', { path: '/v2/users', query: { uid: 'u2' }, body: { uid: 'u2' } }, ['u2']],
    ['none', { path: '/me', body: null }, []],
    ['non-string uid ignored', { path: '/v2/users', body: { uid: 5 } }, []],
  ])('%s', (_name, over, expected) => {
    expect(usersOf(entry(over))).toEqual(expected);
  });

  it('looks at the first 100 batch items only', () => {
    const requests = Array.from({ length: 150 }, (_, i) => ({ uid: `b${i}` }));
    expect(usersOf(entry({ path: '/v2/users/batch', body: { requests } }))).toHaveLength(100);
  });
});

describe('keyHashOf', () => {
  it.each<[Record<string, string | string[]>, string | null]>([
    [{ authorization: `Basic <redacted sha256:${KEY}>` }, KEY],
    [{ authorization: [`Basic <redacted sha256:${KEY}>`] }, KEY],
    [{ authorization: `<redacted sha256:${KEY}>` }, KEY],
    [{ authorization: 'Basic <redacted sha256:abc>' }, null],
    [{}, null],
  ])('%j → %s', (headers, expected) => {
    expect(keyHashOf(entry({ headers }))).toBe(expected);
  });
});

describe('statusMatches', () => {
  it.each<[string, number | null, boolean]>([
    ['200', 200, true],
    ['200', 201, false],
    ['2xx', 204, true],
    ['2xx', 400, false],
    ['4xx', 429, true],
    ['5xx', 503, true],
    ['5xx', null, false],
    ['5xx', 0, false],
    ['pending', null, true],
    ['pending', 200, false],
    ['dropped', 0, true],
    ['dropped', 500, false],
    ['0xx', 0, false],
  ])('%s vs %s → %s', (pattern, status, expected) => {
    expect(statusMatches(pattern, status)).toBe(expected);
  });
});

describe('matchesFilter', () => {
  const other = sha('qa-standard');
  it.each<[string, Parameters<typeof matchesFilter>[1], Partial<CapturedEntry>, boolean]>([
    ['no filter', {}, {}, true],
    ['endpoint equal', { endpoint: 'POST /v2/events' }, {}, true],
    ['endpoint other', { endpoint: 'POST /v2/users' }, {}, false],
    [
      'endpoint before the route is known',
      { endpoint: 'POST /v2/events' },
      { route: undefined, path: '/v2beta/events' },
      false,
    ],
    ['user part', { user: 'ser-' }, {}, true],
    ['user other', { user: 'user-2' }, {}, false],
    ['user is case-sensitive', { user: 'USER-1' }, {}, false],
    ['status class', { status: '2xx' }, {}, true],
    ['status other', { status: '400' }, {}, false],
    ['key', { keyHash: KEY }, {}, true],
    ['other key', { keyHash: other }, {}, false],
    ['no key sent', { keyHash: KEY }, { headers: {} }, false],
    ['all at once', { endpoint: 'POST /v2/events', user: 'user-1', status: '200', keyHash: KEY }, {}, true],
    ['all but one', { endpoint: 'POST /v2/events', user: 'user-1', status: '200', keyHash: other }, {}, false],
  ])('%s', (_name, filter, over, expected) => {
    expect(matchesFilter(entry(over), filter)).toBe(expected);
  });
});

describe('summarize', () => {
  it('lists what a row of the inbox shows', () => {
    expect(summarize(entry({ notes: ['a', 'b'] }))).toEqual({
      seq: 1,
      rev: 2,
      receivedAt: '2024-01-01T00:00:00.000Z',
      method: 'POST',
      path: '/v2/events',
      endpoint: 'POST /v2/events',
      status: 200,
      users: ['user-1'],
      keyHash: KEY,
      notes: 2,
    });
  });
});
