/**
 * What Postgres can hold, measured on PostgreSQL 15 (UTF8): a `text` value cannot hold NUL (U+0000) nor a
 * UTF-16 surrogate that is not part of a pair (no UTF-8 encoding exists; node-postgres would silently send
 * U+FFFD instead). The `json` type stores its input text verbatim, so it keeps the escapes `\u0000` and
 * `\ud800` that `JSON.stringify` writes for them; but every function that de-escapes json strings
 * (`json_to_recordset`, `->>`, a cast to jsonb) fails on such a document, even for other fields.
 */

/** Any character that may need escaping: a cheap first test so ordinary strings are never rewritten. */
// eslint-disable-next-line no-control-regex -- NUL is exactly what must be found
const SUSPECT = /[\u0000\ud800-\udfff]/;
/** NUL, a high surrogate without a low one after it, a low surrogate without a high one before it. */
// eslint-disable-next-line no-control-regex -- NUL is exactly what must be found
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
/** In `JSON.stringify` output (which writes lone surrogates as lower-case escapes): `\u0000` or `\ud800`–`\udfff`. */
const UNSTORABLE_ESCAPE = /\\u(?:0000|d[89a-f])/;

function escapeUnit(unit: string): string {
  return `\\u${unit.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/**
 * `s` as a Postgres `text` value can hold it: each NUL and each lone surrogate is written as its JSON
 * escape (`\u0000`, `\ud800`), six ASCII characters; every other string (the usual case) is returned as is.
 * Not reversible: a string that spells such an escape out literally maps to the same text.
 */
export function storableText(s: string): string {
  return SUSPECT.test(s) ? s.replace(UNSTORABLE, escapeUnit) : s;
}

/** {@link storableText} for optional values: null stays null. */
export function storableTextOrNull(s: string | null): string | null {
  return s === null ? null : storableText(s);
}

/**
 * True when `json` (written by `JSON.stringify`) may hold a `\u0000` or lone-surrogate escape, which
 * `json_to_recordset` cannot de-escape. False positives (a literal backslash followed by such letters)
 * only send the caller down its slower, always-correct path.
 */
export function mayHoldUnstorableEscape(json: string): boolean {
  // indexOf first: ordinary JSON holds no escape at all, and it scans ~25 times faster than the regex.
  return json.includes('\\u') && UNSTORABLE_ESCAPE.test(json);
}
