import fc from 'fast-check';

/**
 * Generators for issue 13 item 10: Segment messages of every call type whose every string (ids, names,
 * property keys and values, context, integrations, extra fields) is drawn from the whole Unicode range,
 * leaning on what breaks storage: NUL, lone surrogates of both halves, noncharacters, the BOM, astral
 * characters and JSON's own specials.
 */
export const CALL_TYPES = ['identify', 'track', 'page', 'screen', 'group', 'alias'] as const;
export type CallType = (typeof CALL_TYPES)[number];

export const HOSTILE_UNITS = [
  '\u0000',
  '\ud800',
  '\udbff',
  '\udc00',
  '\udfff',
  '\ufeff',
  '\ufffe',
  '\uffff',
  '\u{1f600}',
  '\u{10ffff}',
  '\u2028',
  '\u001f',
  '\u007f',
  '\\',
  '"',
];

const unit = fc.oneof(
  fc.constantFrom(...HOSTILE_UNITS),
  // Any UTF-16 code unit, surrogates included: neighbours may pair up into an astral character or not.
  fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)),
  // Any code point of the full range (astral ones as a valid pair).
  fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
);

export function hostileString(minLength = 0): fc.Arbitrary<string> {
  return fc.string({ unit, minLength, maxLength: 12 });
}

const identifier: fc.Arbitrary<string | number> = fc.oneof(
  { weight: 4, arbitrary: hostileString(1) },
  { weight: 1, arbitrary: fc.integer() },
);
const leaf = fc.oneof(hostileString(), fc.integer(), fc.boolean(), fc.constant(null));
const value = fc.oneof(
  { weight: 3, arbitrary: leaf },
  { weight: 1, arbitrary: fc.array(hostileString(), { maxLength: 3 }) },
  { weight: 1, arbitrary: fc.dictionary(hostileString(), leaf, { maxKeys: 3, noNullPrototype: true }) },
);
const hostileObject = fc.dictionary(hostileString(), value, { maxKeys: 4, noNullPrototype: true });
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });

export const CLIENT_TIMESTAMP = '2026-01-02T03:04:05.678Z';

/** A message valid for its type (always accepted), without its messageId: the test assigns unique ones. */
export interface DrawnMessage {
  type: CallType;
  idPart: string;
  body: Record<string, unknown>;
}

function typeFields(type: CallType): fc.Arbitrary<Record<string, unknown>> {
  switch (type) {
    case 'track':
      return fc.record({ event: hostileString(1), properties: maybe(hostileObject) });
    case 'page':
    case 'screen':
      return fc.record({
        name: maybe(hostileString()),
        category: maybe(hostileString()),
        properties: maybe(hostileObject),
      });
    case 'group':
      return fc.record({ groupId: identifier, traits: maybe(hostileObject) });
    case 'alias':
      return fc.record({ previousId: identifier });
    case 'identify':
      return fc.record({ traits: maybe(hostileObject) });
  }
}

/** Every field Segment's spec gives a meaning to, in any call type. */
const MESSAGE_FIELDS = new Set([
  'type',
  'messageId',
  'userId',
  'anonymousId',
  'previousId',
  'groupId',
  'event',
  'name',
  'category',
  'properties',
  'traits',
  'context',
  'integrations',
  'timestamp',
  'originalTimestamp',
  'sentAt',
  'receivedAt',
  'writeKey',
  'channel',
  'version',
  'options',
]);

export const drawnMessage: fc.Arbitrary<DrawnMessage> = fc.constantFrom(...CALL_TYPES).chain((type) =>
  fc
    .record({
      idPart: hostileString(),
      common: fc.record({
        userId: identifier,
        anonymousId: maybe(identifier),
        context: maybe(hostileObject),
        integrations: maybe(hostileObject),
        timestamp: maybe(fc.constant(CLIENT_TIMESTAMP)),
      }),
      // fast-check favours well-known names ("name", "toString", ...): a message field drawn here would make a
      // valid message invalid (e.g. a numeric "name" on an alias), so the extra key is never one of them.
      extra: maybe(fc.tuple(hostileString(1), value).filter(([key]) => !MESSAGE_FIELDS.has(key))),
      fields: typeFields(type),
    })
    .map(({ idPart, common, extra, fields }) => {
      const body: Record<string, unknown> = { ...common, ...fields };
      if (extra) Object.defineProperty(body, extra[0], { value: extra[1], enumerable: true });
      // What is sent: undefined fields dropped, as JSON carries them.
      return { type, idPart, body: JSON.parse(JSON.stringify(body)) as Record<string, unknown> };
    }),
);

/**
 * A message the ingest must refuse (alone, in a batch): a track without `event`, a `type` that is no call type,
 * or a timestamp field holding drawn text (never an ISO date-time). `messageId` is left to the test.
 */
export const drawnInvalid: fc.Arbitrary<Record<string, unknown>> = fc
  .record({
    kind: fc.constantFrom('no-event', 'bad-type', 'bad-timestamp'),
    junk: hostileString(1),
    field: fc.constantFrom('timestamp', 'originalTimestamp', 'sentAt'),
    userId: hostileString(1),
    properties: maybe(hostileObject),
  })
  .map(({ kind, junk, field, userId, properties }) => {
    const item: Record<string, unknown> = { type: kind === 'bad-type' ? junk : 'track', userId };
    if (kind !== 'no-event') item.event = 'E';
    if (kind === 'bad-timestamp') item[field] = junk;
    if (properties) item.properties = properties;
    return item;
  });

export const drawnBatchLevel = fc.record({
  context: maybe(hostileObject),
  integrations: maybe(hostileObject),
  sentAt: maybe(fc.constant('2026-01-02T03:04:15.678Z')),
});

type Json = Record<string, unknown>;

function mergeLevels(batch: unknown, item: unknown): Json | undefined {
  const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!isObj(batch) && !isObj(item)) return undefined;
  return { ...(isObj(batch) ? batch : {}), ...(isObj(item) ? item : {}) };
}

/**
 * The stored event for a generated message, written from segment-ingest.md (§4, §5, §9) rather than from
 * the code: the message exactly as sent, with the path's `type`, batch `context`/`integrations` merged under
 * the item's, and the timestamps of §9 (the server's `receivedAt` taken from the stored event).
 */
export function expectedEvent(
  type: CallType,
  sent: Json,
  batch: { context?: unknown; integrations?: unknown; sentAt?: string },
  receivedAt: string,
): Json {
  const out: Json = JSON.parse(JSON.stringify(sent)) as Json;
  out.type = type;
  const context = mergeLevels(batch.context, sent.context);
  if (context) out.context = context;
  const integrations = mergeLevels(batch.integrations, sent.integrations);
  if (integrations) out.integrations = integrations;
  const original = typeof sent.timestamp === 'string' ? sent.timestamp : undefined;
  out.receivedAt = receivedAt;
  if (original !== undefined) out.originalTimestamp = original;
  if (batch.sentAt !== undefined) out.sentAt = batch.sentAt;
  out.timestamp =
    original === undefined
      ? receivedAt
      : batch.sentAt === undefined
        ? original
        : new Date(Date.parse(receivedAt) - (Date.parse(batch.sentAt) - Date.parse(original))).toISOString();
  return out;
}
