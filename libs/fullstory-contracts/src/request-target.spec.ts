import { requestTarget } from './request-target';

describe('requestTarget', () => {
  it.each([
    ['https://api.fullstory.com/v2/events', 'https://api.fullstory.com', '/v2/events'],
    ['https://api.fullstory.com', 'https://api.fullstory.com', '/'],
    ['http://127.0.0.1:4010/v2/users?uid=a%2Fb', 'http://127.0.0.1:4010', '/v2/users?uid=a%2Fb'],
    [
      'https://api.fullstory.com/users/v1/individual/../customvars?integration=segment',
      'https://api.fullstory.com',
      '/users/v1/individual/%2E%2E/customvars?integration=segment',
    ],
    [
      'https://api.fullstory.com/users/v1/individual/./customevent?integration=segment',
      'https://api.fullstory.com',
      '/users/v1/individual/%2E/customevent?integration=segment',
    ],
    ['https://h/users/v1/individual/%2e%2E/x', 'https://h', '/users/v1/individual/%2E%2E/x'],
    ['https://h/users/v1/individual/.%2e/x', 'https://h', '/users/v1/individual/%2E%2E/x'],
    ['https://h/users/v1/individual/.../x', 'https://h', '/users/v1/individual/.../x'],
    ['https://h/users/v1/individual/a.b/x', 'https://h', '/users/v1/individual/a.b/x'],
    ['https://h/v2/users?uid=..', 'https://h', '/v2/users?uid=..'],
    ['https://h/a/..', 'https://h', '/a/%2E%2E'],
    ['https://h/a#..', 'https://h', '/a'],
  ])('%s → %s %s', (url, origin, path) => {
    expect(requestTarget(url)).toEqual({ origin, path });
  });
});
