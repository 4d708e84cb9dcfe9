import type { CallType } from './call-types';
import { getOwn, isMissing, isPlainObject } from './objects';
import { parseIsoTimestamp } from './timestamps';
import type { IssueCode, MessageIssue } from './types';

/** Size and length limits (`segment-ingest.md` §6). KB = 1,024 bytes. */
export const LIMITS = Object.freeze({
  maxMessageBytes: 32768,
  maxBatchBytes: 512000,
  maxBatchItems: 2500,
  maxMessageIdLength: 99,
} as const);

const TIMESTAMP_FIELDS = ['timestamp', 'originalTimestamp', 'sentAt'] as const;
const OBJECT_FIELDS = ['properties', 'traits', 'context', 'integrations'] as const;
const STRING_FIELDS = ['event', 'name', 'category'] as const;
const IDENTIFIER_FIELDS = ['userId', 'anonymousId', 'groupId', 'previousId'] as const;

/**
 * UTF-8 byte length of `msg` serialised as compact JSON (`JSON.stringify` without indentation), the way the
 * per-item limit is measured (§6). `undefined` (nothing to serialise) measures 0; a value that cannot be
 * serialised (a cycle, a BigInt) measures `Infinity`, so it always fails a size limit.
 */
export function messageByteLength(msg: unknown): number {
  const json = compactJson(msg);
  if (json === null) return Number.POSITIVE_INFINITY;
  return json === undefined ? 0 : Buffer.byteLength(json, 'utf8');
}

/** `JSON.stringify(msg)`, or null when it cannot be serialised (a cycle, a BigInt). */
function compactJson(msg: unknown): string | undefined | null {
  try {
    return JSON.stringify(msg);
  } catch {
    return null;
  }
}

/**
 * The message's compact UTF-8 JSON size when it is over `limit` bytes, else null. UTF-8 takes at most
 * 3 bytes per UTF-16 code unit, so a JSON text of at most limit / 3 characters is under the limit
 * without counting its bytes (most events: the count cost more than the rest of validation).
 */
function sizeOverLimit(msg: unknown, limit: number): number | null {
  const json = compactJson(msg);
  if (json === null) return Number.POSITIVE_INFINITY;
  if (json === undefined || json.length * 3 <= limit) return null;
  const bytes = Buffer.byteLength(json, 'utf8');
  return bytes > limit ? bytes : null;
}

function issue(code: IssueCode, message: string, field?: string): MessageIssue {
  return field === undefined ? { code, message } : { code, message, field };
}

function isIdentifier(v: unknown): boolean {
  return typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v));
}

/** Length in Unicode code points, so an emoji counts as one character. */
function charLength(s: string): number {
  return Array.from(s).length;
}

function checkMessageId(prefix: string, messageId: unknown): MessageIssue | null {
  if (isMissing(messageId)) return null;
  if (typeof messageId !== 'string') {
    return issue('invalid_message_id', `${prefix}"messageId" must be a string`, 'messageId');
  }
  if (charLength(messageId) > LIMITS.maxMessageIdLength) {
    return issue(
      'invalid_message_id',
      `${prefix}"messageId" must be fewer than ${LIMITS.maxMessageIdLength + 1} characters`,
      'messageId',
    );
  }
  return null;
}

/**
 * Checks one message against the contract (`segment-ingest.md` §3, §4, §6); `type` comes from the path or the
 * batch item and any `type` field in the message is ignored. Returns the first problem found, or `null`.
 *
 * Rules, in the order they are checked:
 * 1. the message is a plain JSON object (`invalid_message`), at most 32,768 bytes as compact UTF-8 JSON
 *    (`payload_too_large`);
 * 2. `messageId`, when present, is a string of fewer than 100 characters (`invalid_message_id`);
 * 3. `timestamp`, `originalTimestamp`, `sentAt`, when present, parse as ISO 8601 (`invalid_timestamp`);
 * 4. `userId`, `anonymousId`, `groupId`, `previousId`, when present, are strings or numbers; `properties`,
 *    `traits`, `context`, `integrations` are plain objects; `event`, `name`, `category` are strings;
 * 5. required fields: `userId` or `anonymousId` (alias: `previousId` and `userId`); track: a non-empty string
 *    `event`; group: `groupId`.
 *
 * A value that is absent, `null` or `""` counts as missing everywhere: it fails a required field and is
 * otherwise ignored (the normaliser then treats it as absent too).
 */
export function validateMessage(msg: unknown, type: CallType): MessageIssue | null {
  const prefix = `${type}: `;
  if (!isPlainObject(msg)) return issue('invalid_message', `${prefix}the message must be a JSON object`);

  const bytes = sizeOverLimit(msg, LIMITS.maxMessageBytes);
  if (bytes !== null) {
    return issue(
      'payload_too_large',
      `${prefix}the message is ${bytes} bytes; the limit is ${LIMITS.maxMessageBytes} bytes (32 KB)`,
    );
  }

  const idIssue = checkMessageId(prefix, getOwn(msg, 'messageId'));
  if (idIssue !== null) return idIssue;

  for (const field of TIMESTAMP_FIELDS) {
    const value = getOwn(msg, field);
    if (!isMissing(value) && parseIsoTimestamp(value) === null) {
      return issue(
        'invalid_timestamp',
        `${prefix}"${field}" must be an ISO 8601 date-time (e.g. "2024-01-02T03:04:05.123Z")`,
        field,
      );
    }
  }

  for (const field of IDENTIFIER_FIELDS) {
    const value = getOwn(msg, field);
    if (!isMissing(value) && !isIdentifier(value)) {
      return issue('invalid_message', `${prefix}"${field}" must be a string or a number`, field);
    }
  }
  for (const field of OBJECT_FIELDS) {
    const value = getOwn(msg, field);
    if (value != null && !isPlainObject(value)) {
      return issue('invalid_message', `${prefix}"${field}" must be an object`, field);
    }
  }
  for (const field of STRING_FIELDS) {
    const value = getOwn(msg, field);
    if (value != null && typeof value !== 'string') {
      return issue('invalid_message', `${prefix}"${field}" must be a string`, field);
    }
  }

  if (type === 'alias') {
    if (isMissing(getOwn(msg, 'previousId'))) {
      return issue('invalid_message', `${prefix}"previousId" is required (a string or a number)`, 'previousId');
    }
    if (isMissing(getOwn(msg, 'userId'))) {
      return issue('invalid_message', `${prefix}"userId" is required (a string or a number)`, 'userId');
    }
    return null;
  }

  if (isMissing(getOwn(msg, 'userId')) && isMissing(getOwn(msg, 'anonymousId'))) {
    return issue('invalid_message', `${prefix}"userId" or "anonymousId" is required (a string or a number)`, 'userId');
  }
  if (type === 'track' && isMissing(getOwn(msg, 'event'))) {
    return issue('invalid_message', `${prefix}"event" is required (a non-empty string)`, 'event');
  }
  if (type === 'group' && isMissing(getOwn(msg, 'groupId'))) {
    return issue('invalid_message', `${prefix}"groupId" is required (a string or a number)`, 'groupId');
  }
  return null;
}

/**
 * Checks a deletion request (`segment-ingest.md` §13): a plain object whose `userId` is a non-empty string;
 * `type`, when present, must be `"delete"`; `anonymousId`, when present, a string; `messageId` follows the same
 * rule as for tracking messages.
 */
export function validateDeletion(msg: unknown): MessageIssue | null {
  const prefix = 'delete: ';
  if (!isPlainObject(msg)) return issue('invalid_message', `${prefix}the message must be a JSON object`);
  const type = getOwn(msg, 'type');
  if (type !== undefined && type !== 'delete') {
    return issue('invalid_message', `${prefix}"type" must be "delete"`, 'type');
  }
  const userId = getOwn(msg, 'userId');
  if (typeof userId !== 'string' || userId === '') {
    return issue('invalid_message', `${prefix}"userId" is required (a non-empty string)`, 'userId');
  }
  const anonymousId = getOwn(msg, 'anonymousId');
  if (anonymousId != null && typeof anonymousId !== 'string') {
    return issue('invalid_message', `${prefix}"anonymousId" must be a string`, 'anonymousId');
  }
  return checkMessageId(prefix, getOwn(msg, 'messageId'));
}
