import { isAddressOrCidr } from './ip-ranges';

/**
 * What Fastify's `trustProxy` gets: `false` (the default: `req.ip` is the socket's peer, so no header
 * can change it), a hop count, or the addresses/CIDR ranges of the proxies whose X-Forwarded-For is
 * believed. Trusting every proxy (`true`) is not offered: any client could then pick its own address
 * and reset per-address limits such as the admin login throttle.
 */
export type TrustProxy = false | number | string[];

export type TrustProxyParse = { ok: true; value: TrustProxy } | { ok: false; problem: string };

/** Parses TRUST_PROXY: unset or "none", a hop count 1..10, or a comma-separated list of IPs/CIDRs. */
export function parseTrustProxy(raw: string | undefined): TrustProxyParse {
  const text = raw?.trim() ?? '';
  if (text === '' || text.toLowerCase() === 'none') return { ok: true, value: false };
  if (/^\d+$/.test(text)) {
    const hops = Number(text);
    return hops >= 1 && hops <= 10
      ? { ok: true, value: hops }
      : { ok: false, problem: `must be a hop count from 1 to 10 (got ${text})` };
  }
  const entries = text.split(',').map((s) => s.trim());
  const bad = entries.filter((entry) => !isAddressOrCidr(entry));
  if (bad.length > 0) {
    return {
      ok: false,
      problem: `must be "none", a hop count or a comma-separated list of IP addresses/CIDR ranges (not: ${bad.map((b) => JSON.stringify(b)).join(', ')})`,
    };
  }
  return { ok: true, value: entries };
}

/**
 * The value as the Nest Fastify adapter's options type takes it (no numbers there): a hop count becomes
 * the function Fastify itself builds from a number, trusting the first `hops` proxies counted from the socket.
 */
export function fastifyTrustProxy(value: TrustProxy): false | string[] | ((address: string, hop: number) => boolean) {
  if (typeof value !== 'number') return value;
  return (_address, hop) => hop < value;
}
