import { createHmac, randomBytes } from 'crypto';
import { deriveKeys, safeEqual } from '@fsd/platform';

/**
 * Admin credentials for the parts of /admin that a browser uses (the ops UI and the bull-board
 * dashboard), in addition to a token as Bearer or as the Basic password (AdminSessions, TokenResolver):
 *
 * - the session cookie set by the ops UI login: `<expiry>.<id>.<HMAC-SHA256(K, token|expiry|id)>`, K derived
 *   from SECRETS_KEY for this purpose only (HKDF, see deriveKeys). The session also lives server-side
 *   (AdminSessions) with the id of the token that logged in: logout, and revoking or expiry of that token, end
 *   it there. The cookie never holds the token; rotating
 *   ADMIN_TOKEN (or SECRETS_KEY) ends every session.
 *
 * Every comparison is constant-time (`safeEqual`).
 */
export const SESSION_COOKIE = 'fsd_admin_session';
export const SESSION_TTL_SECONDS = 12 * 60 * 60;

export interface AdminSecrets {
  adminToken: string;
  secretsKey: string;
}

let derived: { secretsKey: string; mac: Buffer } | undefined;

/** Derived once per SECRETS_KEY (HKDF is too slow for every request). */
function macKey(secretsKey: string): Buffer {
  if (derived?.secretsKey !== secretsKey) derived = { secretsKey, mac: deriveKeys(secretsKey).mac };
  return derived.mac;
}

function mac(secrets: AdminSecrets, expiresAt: number, sessionId: string): string {
  return createHmac('sha256', macKey(secrets.secretsKey))
    .update(`fsd-admin-session|${secrets.adminToken}|${expiresAt}|${sessionId}`)
    .digest('base64url');
}

/** A new session: its id (kept server-side while it lives, see AdminSessions) and the cookie value. */
export function createSession(secrets: AdminSecrets, now = Date.now()): { id: string; cookie: string } {
  const id = randomBytes(16).toString('base64url');
  const expiresAt = Math.floor(now / 1000) + SESSION_TTL_SECONDS;
  return { id, cookie: `${expiresAt}.${id}.${mac(secrets, expiresAt, id)}` };
}

/** The session id of a well-formed, unexpired cookie with a valid MAC; whether it is still live is checked apart. */
export function sessionIdOf(secrets: AdminSecrets, value: string | undefined, now = Date.now()): string | null {
  if (!value || secrets.adminToken.length === 0) return null;
  const match = /^(\d{1,12})\.([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{43})$/.exec(value);
  if (!match) return null;
  const expiresAt = Number(match[1]);
  if (expiresAt * 1000 <= now) return null;
  return safeEqual(match[3], mac(secrets, expiresAt, match[2])) ? match[2] : null;
}

export function readCookie(header: string | string[] | undefined, name: string): string | undefined {
  const text = Array.isArray(header) ? header.join('; ') : header;
  if (!text) return undefined;
  for (const part of text.split(';')) {
    const eq = part.indexOf('=');
    if (eq !== -1 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

export function sessionCookie(value: string, secure: boolean): string {
  return [
    `${SESSION_COOKIE}=${value}`,
    'Path=/admin',
    'HttpOnly',
    'SameSite=Strict',
    `Max-Age=${SESSION_TTL_SECONDS}`,
    ...(secure ? ['Secure'] : []),
  ].join('; ');
}

export function clearedSessionCookie(): string {
  return `${SESSION_COOKIE}=; Path=/admin; HttpOnly; SameSite=Strict; Max-Age=0`;
}
