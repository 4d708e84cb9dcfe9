export { CALL_TYPES, isCallType } from './lib/call-types';
export type { CallType } from './lib/call-types';
export type {
  DeletionMessage,
  IssueCode,
  MessageIssue,
  SegmentContext,
  SegmentEvent,
  SegmentMessage,
} from './lib/types';
export { isPlainObject } from './lib/objects';
export { parseIsoTimestamp } from './lib/timestamps';
export { LIMITS, messageByteLength, validateMessage, validateDeletion } from './lib/validate';
export { normaliseMessage } from './lib/normalise';
export type { NormaliseOptions } from './lib/normalise';
