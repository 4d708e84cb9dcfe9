import { createHash, randomBytes } from 'crypto';
import type { IncomingHttpHeaders } from 'http';

/** A new token: 256 random bits. Shown once; only its hash is stored. */
export function newToken(): string {
  return `fsd_${randomBytes(32).toString('base64url')}`;
}

/** SHA-256 is enough for a 256-bit random token: there is nothing to brute-force behind the hash. */
export function tokenHash(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** The token of `Authorization: Bearer <token>` or of Basic with the token as password, else null. */
export function presentedToken(headers: IncomingHttpHeaders): string | null {
  const auth = typeof headers.authorization === 'string' ? headers.authorization.trim() : '';
  const bearer = /^Bearer\s+(\S+)$/i.exec(auth);
  if (bearer) return bearer[1];
  const basic = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(auth);
  if (!basic) return null;
  const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon === -1 ? null : decoded.slice(colon + 1);
}
