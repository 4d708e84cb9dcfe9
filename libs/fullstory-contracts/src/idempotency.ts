import { createHash } from 'crypto';
import { losslessUtf8 } from '@fsd/platform';

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
  return createHash('sha256')
    .update(losslessUtf8(`${messageId}\u0000${destinationId}\u0000${subscriptionId}`))
    .digest('hex');
}
