import { fastifyTrustProxy, parseTrustProxy } from './trust-proxy';

describe('parseTrustProxy', () => {
  it.each([
    ['unset: trust no proxy', undefined, false],
    ['empty: trust no proxy', '', false],
    ['"none"', 'None', false],
    ['a hop count', '2', 2],
    ['one address', '127.0.0.1', ['127.0.0.1']],
    ['addresses and ranges, spaces trimmed', '10.0.0.0/8, ::1 ,fd00::/8', ['10.0.0.0/8', '::1', 'fd00::/8']],
    ['a /32', '192.168.1.1/32', ['192.168.1.1/32']],
  ])('accepts %s', (_name, raw, value) => {
    expect(parseTrustProxy(raw)).toEqual({ ok: true, value });
  });

  it.each([
    ['trust everyone', 'true'],
    ['zero hops', '0'],
    ['too many hops', '11'],
    ['a host name', 'proxy.internal'],
    ['an IPv4 prefix over 32', '10.0.0.0/33'],
    ['an IPv6 prefix over 128', '::/129'],
    ['a prefix that is not a number', '10.0.0.0/x'],
    ['an empty entry', '127.0.0.1,'],
    ['two slashes', '10.0.0.0/8/8'],
  ])('refuses %s', (_name, raw) => {
    const r = parseTrustProxy(raw);
    expect(r.ok).toBe(false);
  });

  it('names the entries it refuses', () => {
    expect(parseTrustProxy('127.0.0.1,nope')).toEqual({
      ok: false,
      problem: 'must be "none", a hop count or a comma-separated list of IP addresses/CIDR ranges (not: "nope")',
    });
  });
});

describe('fastifyTrustProxy', () => {
  it('passes none and address lists through', () => {
    expect(fastifyTrustProxy(false)).toBe(false);
    expect(fastifyTrustProxy(['10.0.0.0/8'])).toEqual(['10.0.0.0/8']);
  });

  it.each([
    [1, 0, true],
    [1, 1, false],
    [2, 1, true],
    [2, 2, false],
  ])('with %i hops trusts hop %i: %s', (hops, hop, trusted) => {
    const fn = fastifyTrustProxy(hops);
    expect(typeof fn === 'function' && fn('10.0.0.1', hop)).toBe(trusted);
  });
});
