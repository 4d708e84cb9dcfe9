import { isAddressOrCidr } from './ip-ranges';

/** Loopback and the private ranges (RFC 1918, IPv6 unique local): what `private` stands for. */
export const PRIVATE_NETWORKS: readonly string[] = [
  '127.0.0.0/8',
  '::1/128',
  '10.0.0.0/8',
  '172.16.0.0/12',
  '192.168.0.0/16',
  'fc00::/7',
];

/** Who may reach the operator routes: any address, or the listed addresses and ranges. */
export type OperatorNetworks = 'any' | readonly string[];

export type OperatorNetworksParse = { ok: true; value: OperatorNetworks } | { ok: false; problem: string };

/**
 * Parses OPERATOR_NETWORKS: unset means `private`; `any`; or a comma-separated list of IP addresses, CIDR ranges
 * and the word `private` (`private,203.0.113.7`).
 */
export function parseOperatorNetworks(raw: string | undefined): OperatorNetworksParse {
  const text = raw?.trim() ?? '';
  if (text === '') return { ok: true, value: PRIVATE_NETWORKS };
  if (text.toLowerCase() === 'any') return { ok: true, value: 'any' };
  const entries = text.split(',').map((s) => s.trim());
  const bad = entries.filter((entry) => entry.toLowerCase() !== 'private' && !isAddressOrCidr(entry));
  if (bad.length > 0) {
    return {
      ok: false,
      problem: `must be "any", or a comma-separated list of IP addresses, CIDR ranges and "private" (not: ${bad.map((b) => JSON.stringify(b)).join(', ')})`,
    };
  }
  const expanded = entries.flatMap((entry) => (entry.toLowerCase() === 'private' ? PRIVATE_NETWORKS : [entry]));
  return { ok: true, value: [...new Set(expanded)] };
}
