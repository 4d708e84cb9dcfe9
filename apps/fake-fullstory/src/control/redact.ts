import { hash } from 'crypto';

/** Headers whose values are credentials: captured requests keep only their hash. */
const CREDENTIAL_HEADERS = ['authorization', 'proxy-authorization'];

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

/** A copy of the headers with every credential redacted (the request keeps the originals for auth). */
export function redactHeaders(
  headers: Record<string, string | string[] | undefined>,
): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    if (!CREDENTIAL_HEADERS.includes(name)) out[name] = value;
    else out[name] = Array.isArray(value) ? value.map(redactCredential) : redactCredential(value);
  }
  return out;
}
