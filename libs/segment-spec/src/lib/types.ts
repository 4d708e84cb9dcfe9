import type { CallType } from './call-types';

/** Standard `context` fields (`segment-ingest.md` §11); every other key is passed through unchanged. */
export interface SegmentContext {
  [key: string]: unknown;
  ip?: string;
  direct?: boolean;
  library?: { name?: string; version?: string };
  traits?: Record<string, unknown>;
  page?: Record<string, unknown>;
}

/** A message as received (a JSON object). Nothing is trusted yet; unknown extra fields are kept. */
export interface SegmentMessage {
  type?: unknown;
  messageId?: unknown;
  userId?: unknown;
  anonymousId?: unknown;
  timestamp?: unknown;
  originalTimestamp?: unknown;
  sentAt?: unknown;
  context?: unknown;
  integrations?: unknown;
  event?: unknown;
  properties?: unknown;
  traits?: unknown;
  name?: unknown;
  category?: unknown;
  groupId?: unknown;
  previousId?: unknown;
  writeKey?: unknown;
  [key: string]: unknown;
}

/** The normalised, stored event: what destinations see. All timestamps are UTC ISO 8601 with milliseconds. */
export interface SegmentEvent {
  type: CallType;
  messageId: string;
  timestamp: string;
  originalTimestamp?: string;
  sentAt?: string;
  receivedAt: string;
  userId?: unknown;
  anonymousId?: unknown;
  context?: Record<string, unknown>;
  integrations?: Record<string, unknown>;
  [key: string]: unknown;
}

/** A user deletion request (`segment-ingest.md` §13), accepted only on the privileged route. */
export interface DeletionMessage {
  type: 'delete';
  userId: string;
  anonymousId?: string;
  messageId?: string;
}

export type IssueCode = 'invalid_message' | 'payload_too_large' | 'invalid_timestamp' | 'invalid_message_id';

/** Why a message was refused. `message` names the call type, the field and the problem. */
export interface MessageIssue {
  code: IssueCode;
  message: string;
  field?: string;
}
