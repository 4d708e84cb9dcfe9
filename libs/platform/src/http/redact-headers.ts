/** Headers that carry a credential: their value never reaches the audit trail, a preview or an API answer. */
const CREDENTIAL_HEADER = /^(authorization|proxy-authorization|x-api-key)$/i;
const REDACTED = '[redacted]';

/** `Basic [redacted]` for `Basic <key>` (the scheme says what kind of credential it was), else `[redacted]`. */
function redactCredential(value: string): string {
  const scheme = /^(\S+)\s+\S/.exec(value)?.[1];
  return scheme ? `${scheme} ${REDACTED}` : REDACTED;
}

/** A copy of the headers with every credential redacted; a value redacted already is kept as it is. */
export function redactCredentialHeaders(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    out[name] = CREDENTIAL_HEADER.test(name) && !String(value).includes(REDACTED) ? redactCredential(value) : value;
  }
  return out;
}
