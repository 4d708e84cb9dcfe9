import fc from 'fast-check';
import { CALL_TYPES } from './call-types';
import { normaliseMessage, type NormaliseOptions } from './normalise';
import { parseIsoTimestamp } from './timestamps';
import type { SegmentMessage } from './types';
import { validateMessage } from './validate';

const RECEIVED = new Date('2024-05-01T10:00:02.000Z');

const options = (over: Partial<NormaliseOptions> = {}): NormaliseOptions => ({
  receivedAt: RECEIVED,
  generateMessageId: () => 'generated-id',
  ...over,
});

const track = (over: Record<string, unknown> = {}): SegmentMessage => ({ userId: 'u1', event: 'Clicked', ...over });

describe('normaliseMessage', () => {
  describe('type and messageId', () => {
    it('sets type from the argument, overwriting a conflicting body type', () => {
      expect(normaliseMessage(track({ type: 'identify' }), 'track', options()).type).toBe('track');
      expect(normaliseMessage({ userId: 'u1' }, 'identify', options()).type).toBe('identify');
    });

    it('keeps a given messageId', () => {
      expect(normaliseMessage(track({ messageId: 'm-1' }), 'track', options()).messageId).toBe('m-1');
    });

    it.each([[undefined], [null], ['']])('generates a messageId when it is %p', (messageId) => {
      const generateMessageId = jest.fn(() => 'gen-1');
      const event = normaliseMessage(track({ messageId }), 'track', options({ generateMessageId }));
      expect(event.messageId).toBe('gen-1');
      expect(generateMessageId).toHaveBeenCalledTimes(1);
    });

    it('does not call the generator when a messageId exists', () => {
      const generateMessageId = jest.fn(() => 'gen-1');
      normaliseMessage(track({ messageId: 'm' }), 'track', options({ generateMessageId }));
      expect(generateMessageId).not.toHaveBeenCalled();
    });
  });

  describe('fields', () => {
    it('removes writeKey and keeps unknown fields and identifiers exactly', () => {
      const input = track({
        writeKey: 'secret',
        userId: 42,
        anonymousId: 'anon',
        _metadata: { nodeVersion: '20.1.0', jsRuntime: 'node' },
        version: 2,
        properties: { nested: [1, { a: null }] },
      });
      const event = normaliseMessage(input, 'track', options());
      expect(event).not.toHaveProperty('writeKey');
      expect(event.userId).toBe(42);
      expect(event.anonymousId).toBe('anon');
      expect(event._metadata).toEqual({ nodeVersion: '20.1.0', jsRuntime: 'node' });
      expect(event.version).toBe(2);
      expect(event.properties).toEqual({ nested: [1, { a: null }] });
      expect(event.event).toBe('Clicked');
    });

    it('overwrites a client-supplied receivedAt', () => {
      const event = normaliseMessage(track({ receivedAt: '2000-01-01T00:00:00Z' }), 'track', options());
      expect(event.receivedAt).toBe('2024-05-01T10:00:02.000Z');
    });

    it('produces the full expected event', () => {
      const event = normaliseMessage(
        track({ messageId: 'm1', timestamp: '2024-05-01T09:00:00Z', context: { library: { name: 'x' } } }),
        'track',
        options({ batchSentAt: '2024-05-01T10:00:00Z', batchIntegrations: { All: true } }),
      );
      expect(event).toEqual({
        type: 'track',
        messageId: 'm1',
        userId: 'u1',
        event: 'Clicked',
        context: { library: { name: 'x' } },
        integrations: { All: true },
        receivedAt: '2024-05-01T10:00:02.000Z',
        originalTimestamp: '2024-05-01T09:00:00.000Z',
        sentAt: '2024-05-01T10:00:00.000Z',
        timestamp: '2024-05-01T09:00:02.000Z',
      });
    });
  });

  describe('batch context and integrations', () => {
    it('shallow-merges batch context under the item context (item keys win)', () => {
      const event = normaliseMessage(
        track({ context: { locale: 'de-DE', app: { name: 'item' } } }),
        'track',
        options({ batchContext: { locale: 'en-US', app: { name: 'batch', version: '1' }, timezone: 'UTC' } }),
      );
      expect(event.context).toEqual({ locale: 'de-DE', app: { name: 'item' }, timezone: 'UTC' });
    });

    it('shallow-merges batch integrations under the item integrations (item keys win)', () => {
      const event = normaliseMessage(
        track({ integrations: { All: false } }),
        'track',
        options({ batchIntegrations: { All: true, 'Fullstory Cloud Mode (Actions)': true } }),
      );
      expect(event.integrations).toEqual({ All: false, 'Fullstory Cloud Mode (Actions)': true });
    });

    it('uses the batch objects alone when the item has none, and copies them', () => {
      const batchContext = { library: { name: 'batch' } };
      const batchIntegrations = { All: true };
      const event = normaliseMessage(track(), 'track', options({ batchContext, batchIntegrations }));
      expect(event.context).toEqual(batchContext);
      expect(event.integrations).toEqual(batchIntegrations);
      expect(event.context).not.toBe(batchContext);
      expect(event.context!.library).not.toBe(batchContext.library);
    });

    it('ignores non-object batch values and leaves the fields absent when nothing is given', () => {
      const event = normaliseMessage(track(), 'track', options({ batchContext: 'x', batchIntegrations: [1] }));
      expect(event).not.toHaveProperty('context');
      expect(event).not.toHaveProperty('integrations');
    });

    it('drops a null context / integrations (null counts as absent)', () => {
      const event = normaliseMessage(track({ context: null, integrations: null }), 'track', options());
      expect(event).not.toHaveProperty('context');
      expect(event).not.toHaveProperty('integrations');
    });
  });

  describe('context.direct', () => {
    it('records the request ip when direct is true and ip is absent', () => {
      const event = normaliseMessage(
        track({ context: { direct: true } }),
        'track',
        options({ requestIp: '203.0.113.9' }),
      );
      expect(event.context).toEqual({ direct: true, ip: '203.0.113.9' });
    });

    it.each([[null], ['']])('treats ip %p as absent', (ip) => {
      const event = normaliseMessage(
        track({ context: { direct: true, ip } }),
        'track',
        options({ requestIp: '203.0.113.9' }),
      );
      expect(event.context!.ip).toBe('203.0.113.9');
    });

    it('honours direct set at batch level', () => {
      const event = normaliseMessage(
        track(),
        'track',
        options({ batchContext: { direct: true }, requestIp: '198.51.100.1' }),
      );
      expect(event.context).toEqual({ direct: true, ip: '198.51.100.1' });
    });

    it('keeps an existing ip', () => {
      const event = normaliseMessage(
        track({ context: { direct: true, ip: '192.0.2.1' } }),
        'track',
        options({ requestIp: '203.0.113.9' }),
      );
      expect(event.context!.ip).toBe('192.0.2.1');
    });

    it.each([[undefined], [false], ['true'], [1]])('does nothing when direct is %p', (direct) => {
      const event = normaliseMessage(track({ context: { direct } }), 'track', options({ requestIp: '203.0.113.9' }));
      expect(event.context).not.toHaveProperty('ip');
    });

    it('does nothing without a request ip', () => {
      const event = normaliseMessage(track({ context: { direct: true } }), 'track', options());
      expect(event.context).toEqual({ direct: true });
    });
  });

  describe('timestamps (§9)', () => {
    it('corrects clock skew: the spec example', () => {
      const event = normaliseMessage(
        track({ timestamp: '2024-05-01T10:00:00.000Z', sentAt: '2024-05-01T10:00:05.000Z' }),
        'track',
        options({ receivedAt: new Date('2024-05-01T10:00:02.000Z') }),
      );
      expect(event.timestamp).toBe('2024-05-01T09:59:57.000Z');
      expect(event.originalTimestamp).toBe('2024-05-01T10:00:00.000Z');
      expect(event.sentAt).toBe('2024-05-01T10:00:05.000Z');
      expect(event.receivedAt).toBe('2024-05-01T10:00:02.000Z');
    });

    it('uses the batch sentAt when the item has none (analytics-node)', () => {
      const event = normaliseMessage(
        track({ timestamp: '2024-05-01T10:00:00.000Z' }),
        'track',
        options({ batchSentAt: '2024-05-01T10:00:05.000Z' }),
      );
      expect(event.sentAt).toBe('2024-05-01T10:00:05.000Z');
      expect(event.timestamp).toBe('2024-05-01T09:59:57.000Z');
    });

    it("prefers the item's sentAt over the batch's", () => {
      const event = normaliseMessage(
        track({ timestamp: '2024-05-01T10:00:00.000Z', sentAt: '2024-05-01T10:00:01.000Z' }),
        'track',
        options({ batchSentAt: '2024-05-01T10:00:05.000Z' }),
      );
      expect(event.sentAt).toBe('2024-05-01T10:00:01.000Z');
      expect(event.timestamp).toBe('2024-05-01T10:00:01.000Z');
    });

    it('keeps the age of historical imports', () => {
      const event = normaliseMessage(
        track({ timestamp: '2020-01-01T00:00:00Z', sentAt: '2024-05-01T10:00:02Z' }),
        'track',
        options(),
      );
      expect(event.timestamp).toBe('2020-01-01T00:00:00.000Z');
    });

    it('without sentAt, timestamp = originalTimestamp', () => {
      const event = normaliseMessage(track({ timestamp: '2024-05-01T12:00:00+02:00' }), 'track', options());
      expect(event.timestamp).toBe('2024-05-01T10:00:00.000Z');
      expect(event.originalTimestamp).toBe('2024-05-01T10:00:00.000Z');
      expect(event).not.toHaveProperty('sentAt');
    });

    it('uses originalTimestamp when only that is sent', () => {
      const event = normaliseMessage(track({ originalTimestamp: '2024-05-01T09:00:00Z' }), 'track', options());
      expect(event.originalTimestamp).toBe('2024-05-01T09:00:00.000Z');
      expect(event.timestamp).toBe('2024-05-01T09:00:00.000Z');
    });

    it('prefers timestamp over a client originalTimestamp', () => {
      const event = normaliseMessage(
        track({ timestamp: '2024-05-01T09:00:00Z', originalTimestamp: '2024-05-01T08:00:00Z' }),
        'track',
        options(),
      );
      expect(event.originalTimestamp).toBe('2024-05-01T09:00:00.000Z');
    });

    it('without a client timestamp, timestamp = receivedAt and no originalTimestamp is invented', () => {
      const event = normaliseMessage(track({ sentAt: '2024-05-01T10:00:05Z' }), 'track', options());
      expect(event.timestamp).toBe('2024-05-01T10:00:02.000Z');
      expect(event).not.toHaveProperty('originalTimestamp');
      expect(event.sentAt).toBe('2024-05-01T10:00:05.000Z');
    });

    it('normalises microsecond and offset inputs to UTC milliseconds', () => {
      const event = normaliseMessage(
        track({ timestamp: '2024-05-01T12:00:00.123456+02:00', sentAt: '2024-05-01T12:00:00.123999+02:00' }),
        'track',
        options(),
      );
      expect(event.originalTimestamp).toBe('2024-05-01T10:00:00.123Z');
      expect(event.sentAt).toBe('2024-05-01T10:00:00.123Z');
      expect(event.timestamp).toBe('2024-05-01T10:00:02.000Z');
    });

    it('treats unparsable or empty timestamps as absent (best effort for unvalidated input)', () => {
      const event = normaliseMessage(
        track({ timestamp: 'garbage', sentAt: '', originalTimestamp: null }),
        'track',
        options(),
      );
      expect(event.timestamp).toBe('2024-05-01T10:00:02.000Z');
      expect(event).not.toHaveProperty('originalTimestamp');
      expect(event).not.toHaveProperty('sentAt');
    });

    it('falls back to originalTimestamp when the correction leaves years 0000–9999', () => {
      const event = normaliseMessage(
        track({ timestamp: '0001-01-01T00:00:00Z', sentAt: '9999-01-01T00:00:00Z' }),
        'track',
        options(),
      );
      expect(event.timestamp).toBe('0001-01-01T00:00:00.000Z');
    });

    it('throws a RangeError for an invalid receivedAt (programming error)', () => {
      expect(() => normaliseMessage(track(), 'track', options({ receivedAt: new Date(Number.NaN) }))).toThrow(
        RangeError,
      );
    });
  });

  describe('immutability and prototype pollution', () => {
    it('never mutates the input and shares no objects with it', () => {
      const input = track({
        writeKey: 'k',
        type: 'page',
        context: { direct: true, traits: { a: 1 } },
        integrations: { All: true },
        properties: { list: [{ x: 1 }] },
        timestamp: '2024-05-01T10:00:00Z',
      });
      const before = JSON.stringify(input);
      const event = normaliseMessage(input, 'track', options({ requestIp: '1.2.3.4', batchContext: { locale: 'x' } }));
      expect(JSON.stringify(input)).toBe(before);
      expect(event.context).not.toBe(input.context);
      expect(event.properties).not.toBe(input.properties);
      expect((event.properties as { list: unknown[] }).list[0]).not.toBe(
        (input.properties as { list: unknown[] }).list[0],
      );
    });

    it('keeps own __proto__ keys as plain data and never changes a prototype', () => {
      const input = JSON.parse(
        '{"userId":"u1","event":"x","__proto__":{"polluted":"root"},' +
          '"context":{"__proto__":{"polluted":"context"},"direct":true},' +
          '"integrations":{"__proto__":{"All":false}},' +
          '"properties":{"__proto__":{"polluted":"nested"}}}',
      ) as SegmentMessage;
      const batchContext = JSON.parse('{"__proto__":{"polluted":"batch"},"locale":"en"}') as unknown;
      expect(validateMessage(input, 'track')).toBeNull();

      const event = normaliseMessage(input, 'track', options({ batchContext, requestIp: '1.2.3.4' }));

      for (const obj of [event, event.context, event.integrations, event.properties]) {
        expect(Object.getPrototypeOf(obj)).toBe(Object.prototype);
        expect(Object.keys(obj as object)).toContain('__proto__');
        expect((obj as Record<string, unknown>).polluted).toBeUndefined();
      }
      expect(Object.getOwnPropertyDescriptor(event, '__proto__')?.value).toEqual({ polluted: 'root' });
      expect(Object.getOwnPropertyDescriptor(event.context, '__proto__')?.value).toEqual({ polluted: 'context' });
      expect(event.context!.locale).toBe('en');
      expect(event.context!.ip).toBe('1.2.3.4');
      expect(event.integrations!.All).toBeUndefined();
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect(JSON.parse(JSON.stringify(event))).toEqual(
        expect.objectContaining({ context: expect.objectContaining({ locale: 'en' }) }),
      );
    });
  });
});

describe('normaliseMessage properties (fast-check)', () => {
  const isoDates = fc.date({
    min: new Date('1970-01-01T00:00:00Z'),
    max: new Date('2100-01-01T00:00:00Z'),
    noInvalidDate: true,
  });
  const pad = (n: number, w = 2): string => String(Math.abs(n)).padStart(w, '0');
  /** ISO strings in the shapes real clients send: Z, offsets, microseconds. */
  const isoStrings = fc.oneof(
    isoDates.map((d) => d.toISOString()),
    fc.tuple(isoDates, fc.integer({ min: -720, max: 840 }), fc.integer({ min: 0, max: 999999 })).map(([d, off, us]) => {
      const l = new Date(d.getTime() + off * 60_000);
      return (
        `${pad(l.getUTCFullYear(), 4)}-${pad(l.getUTCMonth() + 1)}-${pad(l.getUTCDate())}T` +
        `${pad(l.getUTCHours())}:${pad(l.getUTCMinutes())}:${pad(l.getUTCSeconds())}.${pad(us, 6)}` +
        `${off < 0 ? '-' : '+'}${pad(Math.floor(Math.abs(off) / 60))}:${pad(Math.abs(off) % 60)}`
      );
    }),
  );
  const identifier = fc.oneof(fc.string(), fc.integer(), fc.constant(null));
  const jsonObject = fc.dictionary(fc.string(), fc.jsonValue(), { maxKeys: 5 });
  const maybe = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> => fc.option(arb, { nil: undefined });

  /** Mostly-valid messages with random extra keys (including `__proto__`), so most of them validate. */
  const messages = fc
    .record(
      {
        type: maybe(fc.string()),
        messageId: maybe(fc.oneof(fc.string({ maxLength: 120 }), fc.constant(null))),
        userId: maybe(identifier),
        anonymousId: maybe(identifier),
        timestamp: maybe(fc.oneof(isoStrings, fc.constant(null), fc.string())),
        originalTimestamp: maybe(isoStrings),
        sentAt: maybe(fc.oneof(isoStrings, fc.constant(null))),
        context: maybe(fc.oneof(jsonObject, fc.constant(null), fc.constant({ direct: true }))),
        integrations: maybe(fc.oneof(jsonObject, fc.constant(null))),
        event: maybe(fc.string()),
        properties: maybe(jsonObject),
        traits: maybe(jsonObject),
        name: maybe(fc.string()),
        groupId: maybe(identifier),
        previousId: maybe(identifier),
        writeKey: maybe(fc.string()),
      },
      { requiredKeys: [] },
    )
    .chain((known) =>
      fc
        .dictionary(fc.oneof(fc.string(), fc.constant('__proto__')), fc.jsonValue(), { maxKeys: 3 })
        .map((extra) => JSON.parse(JSON.stringify({ ...extra, ...known })) as unknown),
    );
  const anyJsonObject = fc.dictionary(fc.string(), fc.jsonValue()).map((o) => JSON.parse(JSON.stringify(o)) as unknown);
  const opts = fc.record({
    receivedAt: isoDates,
    batchSentAt: maybe(fc.oneof(isoStrings, fc.jsonValue())),
    batchContext: maybe(fc.oneof(jsonObject, fc.jsonValue())),
    batchIntegrations: maybe(fc.oneof(jsonObject, fc.jsonValue())),
    requestIp: maybe(fc.ipV4()),
  });

  const MS_ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

  it('never throws for a message that validates, and all stored timestamps are UTC ISO with milliseconds', () => {
    let validated = 0;
    fc.assert(
      fc.property(fc.oneof(messages, anyJsonObject), fc.constantFrom(...CALL_TYPES), opts, (msg, type, o) => {
        if (validateMessage(msg, type) !== null) return;
        validated++;
        const event = normaliseMessage(msg as SegmentMessage, type, { ...o, generateMessageId: () => 'gen' });
        expect(event.type).toBe(type);
        expect(typeof event.messageId).toBe('string');
        expect(event.messageId).not.toBe('');
        expect(event.timestamp).toMatch(MS_ISO);
        expect(event.receivedAt).toMatch(MS_ISO);
        // Optional ones, when present.
        for (const t of [event.originalTimestamp, event.sentAt].filter((v) => v !== undefined)) {
          expect(t).toMatch(MS_ISO);
        }
        expect(parseIsoTimestamp(event.timestamp)).not.toBeNull();
        expect(event).not.toHaveProperty('writeKey');
        expect(Object.getPrototypeOf(event)).toBe(Object.prototype);
        expect(Object.getPrototypeOf(event.context ?? {})).toBe(Object.prototype);
      }),
      { numRuns: 500 },
    );
    expect(validated).toBeGreaterThan(50);
  });

  it('never mutates its input (any JSON object, valid or not)', () => {
    fc.assert(
      fc.property(fc.oneof(messages, anyJsonObject), fc.constantFrom(...CALL_TYPES), opts, (msg, type, o) => {
        const before = JSON.stringify(msg);
        const batchBefore = JSON.stringify([o.batchContext, o.batchIntegrations]);
        normaliseMessage(msg as SegmentMessage, type, { ...o, generateMessageId: () => 'gen' });
        expect(JSON.stringify(msg)).toBe(before);
        expect(JSON.stringify([o.batchContext, o.batchIntegrations])).toBe(batchBefore);
      }),
      { numRuns: 300 },
    );
  });

  it('applies timestamp = receivedAt − (sentAt − originalTimestamp) exactly', () => {
    fc.assert(
      fc.property(isoDates, isoDates, isoDates, (original, sentAt, receivedAt) => {
        const event = normaliseMessage(
          track({ timestamp: original.toISOString() }),
          'track',
          options({ receivedAt, batchSentAt: sentAt.toISOString() }),
        );
        const expected = receivedAt.getTime() - (sentAt.getTime() - original.getTime());
        expect(event.timestamp).toBe(new Date(expected).toISOString());
      }),
    );
  });
});
