import { EnvReader } from './env';
import { readOutboundPolicy } from './outbound.config';

function read(env: Record<string, string>, baseUrl: string) {
  const r = new EnvReader(env);
  const policy = readOutboundPolicy(r, baseUrl);
  let problems: string[] = [];
  try {
    r.done();
  } catch (e) {
    problems = (e as { problems: string[] }).problems;
  }
  return { policy, problems };
}

describe('readOutboundPolicy', () => {
  it('allows the local fake outside production, and the deployment base URL host', () => {
    expect(read({}, 'http://127.0.0.1:4010')).toEqual({
      policy: { explicitHosts: ['127.0.0.1:4010', 'localhost:4010', '127.0.0.1:4010'], requireHttps: false },
      problems: [],
    });
  });

  it('allows nothing extra in production by default and requires https', () => {
    expect(read({ NODE_ENV: 'production' }, 'https://api.fullstory.com')).toEqual({
      policy: { explicitHosts: ['api.fullstory.com:443'], requireHttps: true },
      problems: [],
    });
  });

  it('reads ALLOWED_FULLSTORY_HOSTS (trimmed, lower-case) instead of the development default', () => {
    const { policy } = read({ ALLOWED_FULLSTORY_HOSTS: ' Fake-FullStory:4010 , staging.example.com ,' }, 'http://x:1');
    expect(policy.explicitHosts).toEqual(['fake-fullstory:4010', 'staging.example.com', 'x:1']);
  });

  it.each([
    [{ NODE_ENV: 'production' }, 'https://fake-fullstory:4010'],
    [{ NODE_ENV: 'production', ALLOWED_FULLSTORY_HOSTS: 'staging.example.com' }, 'https://staging.example.com'],
    [{ NODE_ENV: 'development' }, 'http://fake-fullstory:4010'],
    [{ NODE_ENV: 'development', ALLOWED_FULLSTORY_HOSTS: 'fake-fullstory:4010' }, 'http://fake-fullstory:4010'],
  ])('accepts %j with base URL %s (a named host)', (env, baseUrl) => {
    expect(read(env as Record<string, string>, baseUrl).problems).toEqual([]);
  });

  it.each([
    [
      { ALLOWED_FULLSTORY_HOSTS: 'http://x.com' },
      'http://127.0.0.1:4010',
      'ALLOWED_FULLSTORY_HOSTS entry "http://x.com" must be host or host:port',
    ],
    [
      { ALLOWED_FULLSTORY_HOSTS: 'a/b' },
      'http://127.0.0.1:4010',
      'ALLOWED_FULLSTORY_HOSTS entry "a/b" must be host or host:port',
    ],
    [{ NODE_ENV: 'production' }, 'http://api.fullstory.com', 'FULLSTORY_BASE_URL must use https in production'],
    // Naming a host (as its base URL does) does not exempt it from https (issue 17).
    [{ NODE_ENV: 'production' }, 'http://fake-fullstory:4010', 'FULLSTORY_BASE_URL must use https in production'],
    [
      { NODE_ENV: 'production', ALLOWED_FULLSTORY_HOSTS: 'fake-fullstory:4010' },
      'http://fake-fullstory:4010',
      'FULLSTORY_BASE_URL must use https in production',
    ],
    [{}, 'http://127.0.0.1:4010/?q=1', 'FULLSTORY_BASE_URL must not contain a query string'],
    [{}, 'http://u:p@127.0.0.1:4010', 'FULLSTORY_BASE_URL must not contain a user name or password'],
  ])('refuses %j with base URL %s', (env, baseUrl, problem) => {
    expect(read(env as Record<string, string>, baseUrl).problems).toEqual([problem]);
  });
});
