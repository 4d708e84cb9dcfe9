import { encodePathSegment, makeRequest, requestContext } from './http';
import { referenceUrl } from '../cli/reference-url';

describe('a uid as a path segment', () => {
  const ctx = requestContext({ apiKey: 'k', baseUrl: 'https://api.fullstory.com' });
  const urlFor = (uid: string) =>
    makeRequest(ctx, 'POST', `/users/v1/individual/${encodePathSegment(uid)}/customvars?integration=segment`).url;

  it.each([
    ['..', 'https://api.fullstory.com/users/v1/individual/%2E%2E/customvars?integration=segment'],
    ['.', 'https://api.fullstory.com/users/v1/individual/%2E/customvars?integration=segment'],
    ['...', 'https://api.fullstory.com/users/v1/individual/.../customvars?integration=segment'],
    ['a/..', 'https://api.fullstory.com/users/v1/individual/a%2F../customvars?integration=segment'],
    ['%2e%2e', 'https://api.fullstory.com/users/v1/individual/%252e%252e/customvars?integration=segment'],
    ["o'k", 'https://api.fullstory.com/users/v1/individual/o%27k/customvars?integration=segment'],
  ])('uid %j stays in its segment: %s', (uid, url) => {
    expect(urlFor(uid)).toBe(url);
  });

  it.each(['..', '.', '...', '.a', 'a.', '..a', 'a/..', '%2e%2e', '.%2e', 'x y', "o'k", '', 'über'])(
    'uid %j: compared as the reference sends it, the URL is what new URL() makes of the plain path',
    (uid) => {
      const plain = `/users/v1/individual/${encodeURIComponent(uid).replace(/'/g, '%27')}/customvars?integration=segment`;
      expect(referenceUrl(urlFor(uid))).toBe(new URL(ctx.base + plain).href.replace(/'/g, '%27'));
    },
  );
});

describe('referenceUrl: the reference client resolution of dot segments', () => {
  it.each([
    [
      'https://h/users/v1/individual/%2E%2E/customvars?integration=segment',
      'https://h/users/v1/customvars?integration=segment',
    ],
    ['https://h/users/v1/individual/%2e/customevent?x=1', 'https://h/users/v1/individual/customevent?x=1'],
    ['https://h/a/%2E%2E', 'https://h/'],
    ['https://h/a/%2E', 'https://h/a/'],
    ['https://h/v2/users?uid=..', 'https://h/v2/users?uid=..'],
    ['https://h/v2/events', 'https://h/v2/events'],
    ['https://h/users/v1/individual/%252e%252e/customvars', 'https://h/users/v1/individual/%252e%252e/customvars'],
  ])('%s → %s', (input, expected) => {
    expect(referenceUrl(input)).toBe(expected);
  });
});
