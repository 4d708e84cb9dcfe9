import type { LookupAddress } from 'node:dns';
import {
  ForbiddenAddressError,
  OutboundPolicy,
  baseUrlProblem,
  guardedLookup,
  isForbiddenAddress,
  requestUrlProblem,
} from './outbound-policy';

const dev: OutboundPolicy = {
  explicitHosts: ['127.0.0.1:4010', 'localhost:4010', 'fake-fullstory'],
  requireHttps: false,
};
const prod: OutboundPolicy = { explicitHosts: [], requireHttps: true };

describe('baseUrlProblem', () => {
  it.each([
    ['https://api.fullstory.com', prod],
    ['https://api.eu1.fullstory.com/', prod],
    ['https://API.FullStory.com:443', prod],
    ['http://127.0.0.1:4010', dev],
    ['http://localhost:4010/prefix', dev],
    ['http://fake-fullstory:9999', dev],
    ['http://api.fullstory.com', dev],
  ])('accepts %s', (url, policy) => {
    expect(baseUrlProblem(url, policy)).toBeNull();
  });

  it.each([
    ['http://api.fullstory.com', prod, 'must use https in production'],
    ['http://staging.example.com', prod, 'must use https in production'],
    ['ftp://api.fullstory.com', dev, 'must use https'],
    ['not a url', dev, 'is not a URL'],
    ['https://user:pw@api.fullstory.com', prod, 'must not contain a user name or password'],
    ['https://user@api.fullstory.com', prod, 'must not contain a user name or password'],
    ['https://api.fullstory.com/?x=1', prod, 'must not contain a query string'],
    ['https://api.fullstory.com/?', prod, 'must not contain a query string'],
    ['https://api.fullstory.com/#f', prod, 'must not contain a fragment'],
    ['https://api.fullstory.com/a/../v2', prod, 'must not contain . or .. path segments'],
    ['https://api.fullstory.com/a/%2e', prod, 'must not contain . or .. path segments'],
    [
      'https://evil.example.com',
      prod,
      'host evil.example.com is not a FullStory API host nor in ALLOWED_FULLSTORY_HOSTS',
    ],
    ['https://api.fullstory.com.evil.example', prod, 'is not a FullStory API host'],
    ['http://127.0.0.1:4011', dev, 'names an IP address (127.0.0.1)'],
    ['http://localhost:4011', dev, 'host localhost is not a FullStory API host'],
    ['http://169.254.169.254/latest', dev, 'names an IP address (169.254.169.254)'],
    ['http://10.0.0.1', dev, 'names an IP address (10.0.0.1)'],
    ['http://[::1]:4010', dev, 'names an IP address ([::1])'],
    ['http://2130706433:4011', dev, 'names an IP address (127.0.0.1)'],
  ])('refuses %s', (url, policy, problem) => {
    expect(baseUrlProblem(url, policy)).toContain(problem);
  });
});

/** Issue 17: production needs https for every host, the ones the operator named included; development does not. */
describe('https in production, named hosts included', () => {
  const named = ['fake-fullstory:4010', 'staging.example.com', '127.0.0.1:4010', 'api.fullstory.com'];
  const mustUseHttps = 'must use https in production';

  it.each([
    ['production', 'http://fake-fullstory:4010', mustUseHttps],
    ['production', 'http://staging.example.com/prefix', mustUseHttps],
    ['production', 'http://127.0.0.1:4010', mustUseHttps],
    ['production', 'http://api.fullstory.com', mustUseHttps],
    ['production', 'https://fake-fullstory:4010', null],
    ['production', 'https://staging.example.com/prefix', null],
    ['production', 'https://api.fullstory.com', null],
    ['development', 'http://fake-fullstory:4010', null],
    ['development', 'http://staging.example.com/prefix', null],
    ['development', 'http://127.0.0.1:4010', null],
  ])('%s, named host: %s -> %p', (env, url, problem) => {
    const policy: OutboundPolicy = { explicitHosts: named, requireHttps: env === 'production' };
    expect(baseUrlProblem(url, policy)).toBe(problem);
    expect(requestUrlProblem(`${url}/v2/events`, policy)).toBe(problem);
  });
});

describe('requestUrlProblem', () => {
  it('allows a query string on a request (FullStory v1 calls carry one)', () => {
    expect(
      requestUrlProblem('https://api.fullstory.com/users/v1/individual/u/customvars?integration=segment', prod),
    ).toBeNull();
  });

  it('uses the configured FullStory hosts when given', () => {
    const policy = { ...prod, fullStoryHosts: ['fs.test'] };
    expect(requestUrlProblem('https://fs.test/v2/events', policy)).toBeNull();
    expect(requestUrlProblem('https://api.fullstory.com/v2/events', policy)).toContain('not a FullStory API host');
  });
});

describe('isForbiddenAddress', () => {
  it.each([
    ['127.0.0.1', true],
    ['10.1.2.3', true],
    ['172.16.0.1', true],
    ['192.168.1.1', true],
    ['169.254.169.254', true],
    ['100.64.0.1', true],
    ['0.0.0.0', true],
    ['::1', true],
    ['::', true],
    ['fe80::1', true],
    ['fd00::1', true],
    ['::ffff:127.0.0.1', true],
    ['::ffff:10.0.0.1', true],
    ['not-an-ip', true],
    ['8.8.8.8', false],
    ['34.120.10.1', false],
    ['2606:4700::1111', false],
    ['::ffff:8.8.8.8', false],
  ])('%s → %s', (address, forbidden) => {
    expect(isForbiddenAddress(address)).toBe(forbidden);
  });
});

describe('guardedLookup', () => {
  type Answer = { address: string | LookupAddress[]; family?: number };
  const resolver =
    (answer: Answer) =>
    (_h: string, _o: object, cb: (e: NodeJS.ErrnoException | null, a: string | LookupAddress[], f?: number) => void) =>
      cb(null, answer.address, answer.family);

  function run(policy: OutboundPolicy, host: string, answer: Answer, options: object = {}) {
    return new Promise<{ err: Error | null; address: unknown }>((resolve) =>
      guardedLookup(policy, resolver(answer))(host, options, (err, address) => resolve({ err, address })),
    );
  }

  it('refuses a FullStory name that resolves to a private address', async () => {
    const { err } = await run(prod, 'api.fullstory.com', { address: '10.0.0.5', family: 4 });
    expect(err).toBeInstanceOf(ForbiddenAddressError);
    expect(err?.message).toBe(
      'api.fullstory.com resolved to 10.0.0.5, a loopback, private or link-local address: refused',
    );
  });

  it('refuses when any of several addresses is internal (all: true)', async () => {
    const address = [
      { address: '34.1.1.1', family: 4 },
      { address: '::1', family: 6 },
    ];
    const { err } = await run(prod, 'api.fullstory.com', { address }, { all: true });
    expect((err as ForbiddenAddressError).code).toBe('EFORBIDDENADDRESS');
  });

  it('passes public addresses through', async () => {
    expect(await run(prod, 'api.fullstory.com', { address: '34.1.1.1', family: 4 })).toEqual({
      err: null,
      address: '34.1.1.1',
    });
  });

  it('leaves the explicitly named hosts alone (the operator chose them)', async () => {
    expect(await run(dev, 'localhost', { address: '127.0.0.1', family: 4 })).toEqual({
      err: null,
      address: '127.0.0.1',
    });
  });
});
