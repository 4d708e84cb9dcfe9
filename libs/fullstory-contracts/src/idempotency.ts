import { hash } from 'crypto';

/**
 * The Idempotency-Key the worker sends on a version 2 create: derived from (messageId, destination,
 * subscription), so every re-send of one delivery's request (retry, replay, redrive) carries the same key
 * and FullStory applies it once. Version 1 endpoints and reads take no key (undefined).
 */
export function idempotencyKeyFor(
  request: { method: string; url: string },
  messageId: string,
  destinationId: string,
  subscriptionId: string,
): string | undefined {
  if (request.method !== 'POST' || !/\/v2\//.test(request.url)) return undefined;
  // Lossless bytes: plain UTF-8 turns every lone surrogate into U+FFFD, so two messageIds differing only
  // there would share a key and FullStory would take the second event for a repeat of the first.
  // One-shot hash: a third of createHash's cost, on every request.
  return hash('sha256', losslessUtf8(`${messageId}\u0000${destinationId}\u0000${subscriptionId}`), 'hex');
}

// Any surrogate (lone or paired): only then can the string hold a lone one. (The key's own NUL separators are
// plain UTF-8 and need no look: matched here, every key took the slow path.)
const SUSPECT = /[\ud800-\udfff]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * The UTF-8 bytes of `s`, except that a lone surrogate is encoded as its own 3-byte sequence (`ED A0 80` for
 * U+D800, as WTF-8 does) instead of U+FFFD. Valid UTF-8 never holds those bytes, so distinct strings always
 * give distinct bytes (for a hash), and a well-formed string gives exactly `Buffer.from(s, 'utf8')`.
 */
export function losslessUtf8(s: string): Buffer {
  if (!SUSPECT.test(s)) return Buffer.from(s, 'utf8');
  const parts: Buffer[] = [];
  let last = 0;
  for (const m of s.matchAll(LONE_SURROGATE)) {
    const unit = s.charCodeAt(m.index);
    parts.push(Buffer.from(s.slice(last, m.index), 'utf8'));
    parts.push(Buffer.from([0xe0 | (unit >> 12), 0x80 | ((unit >> 6) & 0x3f), 0x80 | (unit & 0x3f)]));
    last = m.index + 1;
  }
  parts.push(Buffer.from(s.slice(last), 'utf8'));
  return Buffer.concat(parts);
}
