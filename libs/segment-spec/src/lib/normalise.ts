import type { CallType } from './call-types';
import { cloneJson, getOwn, isMissing, isPlainObject, mergeOwn, setOwn } from './objects';
import { MAX_ISO_MS, MIN_ISO_MS, parseIsoTimestamp } from './timestamps';
import type { SegmentEvent, SegmentMessage } from './types';

export interface NormaliseOptions {
  /** Server clock at arrival; one value per request (§9.1). */
  receivedAt: Date;
  /** The batch-level `sentAt`, applied to items without their own (§5). */
  batchSentAt?: unknown;
  /** The batch-level `context`, shallow-merged under the item's own (§5). */
  batchContext?: unknown;
  /** The batch-level `integrations`, shallow-merged under the item's own (§5). */
  batchIntegrations?: unknown;
  /** The caller's IP, recorded as `context.ip` when `context.direct === true` and no `ip` is given (§11). */
  requestIp?: string;
  /** Supplies a `messageId` for messages without one (§4). */
  generateMessageId: () => string;
}

/** Merges batch-level and item-level objects; the item's keys win. Non-objects count as absent. */
function mergeLevels(batchLevel: unknown, itemLevel: unknown): Record<string, unknown> | undefined {
  const batch = isPlainObject(batchLevel) ? batchLevel : undefined;
  const item = isPlainObject(itemLevel) ? itemLevel : undefined;
  if (batch === undefined && item === undefined) return undefined;
  return mergeOwn(batch ?? {}, item ?? {});
}

/**
 * Turns a validated message into the stored event (`segment-ingest.md` §4, §5, §9, §11). Call
 * {@link validateMessage} first; for messages that fail it the result is best effort (invalid timestamps and
 * non-string `messageId`s are treated as absent, non-object `context`/`integrations` are ignored).
 *
 * * `type` is set from the argument (a `type` field in the body is overwritten);
 * * `messageId` is kept when it is a non-empty string, otherwise `generateMessageId()` supplies one;
 * * batch `context` / `integrations` are shallow-merged under the item's (the item's keys win); when neither
 *   level has an object the field is removed (so `context: null` disappears);
 * * `context.ip` is set from `requestIp` when `context.direct === true` and `ip` is absent, `null` or `""`;
 * * `writeKey` is removed;
 * * timestamps (§9), all UTC ISO 8601 with milliseconds:
 *   `receivedAt` = `opts.receivedAt`;
 *   `originalTimestamp` = the client's `timestamp`, else its `originalTimestamp` (removed when neither is valid);
 *   `sentAt` = the message's `sentAt`, else the batch's (removed when neither is valid);
 *   `timestamp` = `receivedAt − (sentAt − originalTimestamp)` when both exist, else `originalTimestamp`, else
 *   `receivedAt`. A corrected value outside years 0000–9999 falls back to `originalTimestamp`.
 *
 * Every other field is kept unchanged. The input is never mutated and the result shares no objects with it
 * (a deep copy is taken); own `__proto__` keys stay ordinary data properties and never change a prototype.
 *
 * @throws RangeError only when `opts.receivedAt` is not a valid Date (a programming error).
 */
export function normaliseMessage(msg: SegmentMessage, type: CallType, opts: NormaliseOptions): SegmentEvent {
  // Tag check rather than instanceof, so Dates from another realm (vm contexts, test runners) are accepted.
  const receivedMs =
    Object.prototype.toString.call(opts.receivedAt) === '[object Date]' ? opts.receivedAt.getTime() : Number.NaN;
  if (Number.isNaN(receivedMs)) throw new RangeError('normaliseMessage: opts.receivedAt must be a valid Date');

  const source: Record<string, unknown> = isPlainObject(msg) ? msg : {};
  const out: Record<string, unknown> = cloneJson(source);
  delete out.writeKey;

  out.type = type;

  const messageId = getOwn(source, 'messageId');
  out.messageId = typeof messageId === 'string' && messageId !== '' ? messageId : opts.generateMessageId();

  const context = mergeLevels(cloneJson(opts.batchContext), getOwn(out, 'context'));
  if (context !== undefined) {
    if (
      getOwn(context, 'direct') === true &&
      isMissing(getOwn(context, 'ip')) &&
      typeof opts.requestIp === 'string' &&
      opts.requestIp !== ''
    ) {
      setOwn(context, 'ip', opts.requestIp);
    }
    out.context = context;
  } else {
    delete out.context;
  }

  const integrations = mergeLevels(cloneJson(opts.batchIntegrations), getOwn(out, 'integrations'));
  if (integrations !== undefined) out.integrations = integrations;
  else delete out.integrations;

  const original =
    parseIsoTimestamp(getOwn(source, 'timestamp')) ?? parseIsoTimestamp(getOwn(source, 'originalTimestamp'));
  const sentAt = parseIsoTimestamp(getOwn(source, 'sentAt')) ?? parseIsoTimestamp(opts.batchSentAt);

  let timestampMs = original?.getTime() ?? receivedMs;
  if (original !== null && sentAt !== null) {
    const corrected = receivedMs - (sentAt.getTime() - original.getTime());
    if (corrected >= MIN_ISO_MS && corrected <= MAX_ISO_MS) timestampMs = corrected;
  }

  out.receivedAt = new Date(receivedMs).toISOString();
  out.timestamp = new Date(timestampMs).toISOString();
  if (original !== null) out.originalTimestamp = original.toISOString();
  else delete out.originalTimestamp;
  if (sentAt !== null) out.sentAt = sentAt.toISOString();
  else delete out.sentAt;

  return out as SegmentEvent;
}
