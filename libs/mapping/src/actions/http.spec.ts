import { encodeUid, makeRequest, requestContext, resolveDotSegments } from './http';

describe('request URLs resolve dot segments like the reference HTTP client (WHATWG URL)', () => {
  const ctx = requestContext({ apiKey: 'k', baseUrl: 'https://api.fullstory.com' });

  it.each(['..', '.', '...', '.a', 'a.', '..a', 'a/..', '%2e%2e', '.%2e', 'x y', "o'k", '', 'über'])(
    'uid %j gives the URL new URL() would',
    (uid) => {
      const path = `/users/v1/individual/${encodeUid(uid)}/customevent?integration=segment`;
      const url = makeRequest(ctx, 'POST', path).url;
      // The reference also escapes ' (legacy URL parsing after WHATWG); encodeUid already does.
      expect(url).toBe(new URL(ctx.base + path).href.replace(/'/g, '%27'));
    },
  );

  it.each([
    ['/users/v1/individual/../customvars?integration=segment', '/users/v1/customvars?integration=segment'],
    ['/users/v1/individual/./customevent?integration=segment', '/users/v1/individual/customevent?integration=segment'],
    ['/a/..', '/'],
    ['/a/.', '/a/'],
    ['/..', '/'],
    ['/v2/users?uid=..', '/v2/users?uid=..'],
    ['/v2/events', '/v2/events'],
  ])('%s → %s', (input, expected) => {
    expect(resolveDotSegments(input)).toBe(expected);
  });
});
