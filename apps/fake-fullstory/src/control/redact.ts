import { hash } from 'crypto';

/** Headers whose values are credentials: captured requests keep only their hash. */
const CREDENTIAL_HEADERS = new Set(['authorization', 'proxy-authorization']);

/**
 * `Basic test-api-key` → `Basic <redacted sha256:…>`: the scheme stays readable, the credential becomes the
 * hex SHA-256 of its UTF-8 bytes, enough for a test to tell which key was sent without the fake keeping it.
 */
export function redactCredential(value: string): string {
  const trimmed = value.trim();
  const space = trimmed.search(/\s/);
  const scheme = space === -1 ? '' : trimmed.slice(0, space);
  const credential = space === -1 ? trimmed : trimmed.slice(space).trim();
  const redacted = `<redacted sha256:${hash('sha256', credential, 'hex')}>`;
  return scheme === '' ? redacted : `${scheme} ${redacted}`;
}

// Every captured request pays for this on the fake's hot path, and a run uses a handful of keys.
const MEMO_LIMIT = 1024;
const memo = new Map<string, string>();

function redactedMemo(value: string): string {
  let out = memo.get(value);
  if (out === undefined) {
    if (memo.size >= MEMO_LIMIT) memo.clear();
    out = redactCredential(value);
    memo.set(value, out);
  }
  return out;
}

/** A copy of the headers with every credential redacted (the request keeps the originals for auth). */
export function redactHeaders(
  headers: Record<string, string | string[] | undefined>,
): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined) continue;
    if (!CREDENTIAL_HEADERS.has(name)) out[name] = value;
    else out[name] = Array.isArray(value) ? value.map(redactedMemo) : redactedMemo(value);
  }
  return out;
}
