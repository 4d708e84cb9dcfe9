import { LIMITS } from '@fsd/segment-spec';

/**
 * OpenAPI schemas of the Segment messages the tracking API takes. The controller reads raw JSON
 * (validation lives in @fsd/segment-spec, per call type), so these are written out here.
 */
const json = { type: 'object', additionalProperties: true };

const common = {
  type: { type: 'string', description: 'Optional on /v1/<type>; required in a batch item' },
  userId: { type: 'string', description: 'userId or anonymousId is required (not for alias)' },
  anonymousId: { type: 'string' },
  messageId: { type: 'string', description: 'Deduplicated per source; generated when absent' },
  timestamp: { type: 'string', format: 'date-time' },
  sentAt: { type: 'string', format: 'date-time', description: 'Used to correct client clock skew' },
  context: json,
  integrations: json,
  writeKey: { type: 'string', description: 'Alternative to HTTP Basic' },
};

function message(required: string[], extra: Record<string, unknown>, description: string) {
  return {
    type: 'object',
    description: `${description} At most ${LIMITS.maxMessageBytes} bytes.`,
    required,
    properties: { ...common, ...extra },
    additionalProperties: true,
  };
}

export const SEGMENT_SCHEMAS: Record<string, Record<string, unknown>> = {
  SegmentIdentify: message([], { traits: json }, 'Who the user is.'),
  SegmentTrack: message(['event'], { event: { type: 'string' }, properties: json }, 'An action the user took.'),
  SegmentPage: message(
    [],
    { name: { type: 'string' }, category: { type: 'string' }, properties: json },
    'A page view.',
  ),
  SegmentScreen: message([], { name: { type: 'string' }, properties: json }, 'A mobile screen view.'),
  SegmentGroup: message(['groupId'], { groupId: { type: 'string' }, traits: json }, 'An account or company.'),
  SegmentAlias: message(['previousId'], { previousId: { type: 'string' } }, 'Merges two identities.'),
  SegmentBatch: {
    type: 'object',
    required: ['batch'],
    properties: {
      batch: {
        type: 'array',
        minItems: 1,
        maxItems: LIMITS.maxBatchItems,
        items: { type: 'object', required: ['type'], additionalProperties: true },
        description: 'Messages of any call type; invalid ones are rejected individually',
      },
      context: { ...json, description: 'Merged into every message' },
      integrations: json,
      sentAt: { type: 'string', format: 'date-time' },
      writeKey: { type: 'string' },
    },
  },
};

const error = (description: string) => ({
  description,
  content: {
    'application/json': {
      schema: {
        type: 'object',
        properties: {
          success: { type: 'boolean', enum: [false] },
          code: { type: 'string' },
          message: { type: 'string' },
        },
      },
    },
  },
});

export const TRACKING_RESPONSES = (batch: boolean): Record<string, unknown> => ({
  200: {
    description: 'Stored (only answered after the commit); duplicates are acknowledged without being stored again',
    content: {
      'application/json': {
        schema: {
          type: 'object',
          properties: {
            success: { type: 'boolean', enum: [true] },
            ...(batch ? { accepted: { type: 'integer' }, rejected: { type: 'array', items: json } } : {}),
          },
        },
      },
    },
  },
  400: error('Invalid JSON or message (nothing stored), or too large'),
  401: error('Missing or unknown write key'),
  415: error('Content-Type is not application/json'),
  429: error('Source rate limit exceeded (Retry-After)'),
  503: error(
    'The event log cannot be written, or ingest holds its limit of request bodies; nothing stored (Retry-After)',
  ),
});
