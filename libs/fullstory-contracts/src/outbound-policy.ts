import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import ipaddr from 'ipaddr.js';

/** FullStory's regional API hosts: the only destinations a key may go to unless the operator names more. */
export const FULLSTORY_API_HOSTS: readonly string[] = ['api.fullstory.com', 'api.eu1.fullstory.com'];

/**
 * Where FullStory API keys may be sent. `explicitHosts` are the operator's own choices (`ALLOWED_FULLSTORY_HOSTS`
 * and the host of `FULLSTORY_BASE_URL`, e.g. the fake on 127.0.0.1 in development): they may be private or
 * loopback. Every other allowed host must resolve to a public address.
 */
export interface OutboundPolicy {
  /** `host` (any port) or `host:port`, lower-case; IPv6 in brackets. */
  explicitHosts: readonly string[];
  /** Production: every URL must be https, the explicit hosts' included. */
  requireHttps: boolean;
  /** Hosts allowed besides the explicit ones, checked for public addresses; FULLSTORY_API_HOSTS by default. */
  fullStoryHosts?: readonly string[];
}

/** The protocol's default port, so `host:443` in the allowlist matches `https://host`. */
function portOf(url: URL): string {
  return url.port || (url.protocol === 'https:' ? '443' : '80');
}

/** Whether `host[:port]` of this URL is one the operator named. */
export function isExplicitHost(url: URL, policy: OutboundPolicy): boolean {
  const host = url.hostname.toLowerCase();
  const withPort = `${host}:${portOf(url)}`;
  return policy.explicitHosts.some((h) => h === host || h === withPort);
}

/** Loopback, private, link-local, multicast, reserved... anything but a public unicast address. */
export function isForbiddenAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return true;
  // process() turns an IPv4-mapped IPv6 address (::ffff:127.0.0.1) back into IPv4.
  return ipaddr.process(address).range() !== 'unicast';
}

function isIpLiteral(hostname: string): boolean {
  return ipaddr.isValid(hostname.replace(/^\[|\]$/g, ''));
}

/**
 * Why a request URL may not carry a FullStory key, or null when it may. Checked before every send; the
 * connection itself is checked again after DNS resolution (guardedLookup).
 */
export function requestUrlProblem(raw: string, policy: OutboundPolicy): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'is not a URL';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'must use https';
  if (url.username !== '' || url.password !== '') return 'must not contain a user name or password';
  const host = url.hostname.toLowerCase();
  // Every host, named or not: a key sent over plain http can be read on the way (issue 17). The compose dev
  // profile's http fake runs the apps with NODE_ENV=development instead.
  if (url.protocol !== 'https:' && policy.requireHttps) return 'must use https in production';
  if (isExplicitHost(url, policy) || (policy.fullStoryHosts ?? FULLSTORY_API_HOSTS).includes(host)) return null;
  if (isIpLiteral(host)) return `names an IP address (${host}) that is not in ALLOWED_FULLSTORY_HOSTS`;
  return `host ${host} is not a FullStory API host nor in ALLOWED_FULLSTORY_HOSTS`;
}

/** A destination's base URL: as a request URL, and nothing after the path (no query or fragment). */
export function baseUrlProblem(raw: string, policy: OutboundPolicy): string | null {
  const problem = requestUrlProblem(raw, policy);
  if (problem) return problem;
  const url = new URL(raw);
  if (url.search !== '' || raw.includes('?')) return 'must not contain a query string';
  if (url.hash !== '' || raw.includes('#')) return 'must not contain a fragment';
  if (/\/(\.|%2e){1,2}(\/|$)/i.test(raw.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]*/i, ''))) {
    return 'must not contain . or .. path segments';
  }
  return null;
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;
type LookupFn = (hostname: string, options: LookupOptions, callback: LookupCallback) => void;

/** The error a refused connection fails with (undici surfaces it as the request's error). */
export class ForbiddenAddressError extends Error {
  readonly code = 'EFORBIDDENADDRESS';
  constructor(hostname: string, address: string) {
    super(`${hostname} resolved to ${address}, a loopback, private or link-local address: refused`);
    this.name = 'ForbiddenAddressError';
  }
}

/**
 * A `lookup` for net/tls.connect that refuses non-public addresses, so a FullStory host name cannot be pointed
 * (DNS rebinding, a poisoned resolver, /etc/hosts) at an internal service. Explicit hosts resolve unchecked.
 */
export function guardedLookup(policy: OutboundPolicy, resolve: LookupFn = dnsLookup as unknown as LookupFn) {
  const explicitNames = new Set(policy.explicitHosts.map((h) => h.replace(/:\d+$/, '')));
  return (hostname: string, options: LookupOptions, callback: LookupCallback): void => {
    resolve(hostname, options, (err, address, family) => {
      if (err || explicitNames.has(hostname.toLowerCase())) return callback(err, address, family);
      const all = typeof address === 'string' ? [{ address, family: family ?? 4 }] : address;
      const bad = all.find((a) => isForbiddenAddress(a.address));
      if (bad) return callback(new ForbiddenAddressError(hostname, bad.address), address, family);
      callback(null, address, family);
    });
  };
}
