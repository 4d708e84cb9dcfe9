import { CALL_TYPES, type CallType } from './call-types';
import type { MessageIssue } from './types';
import { LIMITS, messageByteLength, validateDeletion, validateMessage } from './validate';

/** A minimal valid message for each call type. */
const VALID: Record<CallType, Record<string, unknown>> = {
  identify: { userId: 'u1', traits: { email: 'a@b.c' } },
  track: { userId: 'u1', event: 'Order Completed', properties: { total: 1 } },
  page: { anonymousId: 'a1', name: 'Home', category: 'Docs', properties: {} },
  screen: { anonymousId: 'a1', name: 'Home' },
  group: { userId: 'u1', groupId: 'g1', traits: {} },
  alias: { previousId: 'a1', userId: 'u1' },
};

const expectIssue = (actual: MessageIssue | null, code: string, field?: string): void => {
  expect(actual).not.toBeNull();
  expect(actual!.code).toBe(code);
  expect(actual!.field).toBe(field);
  // The message quotes the field, when there is one.
  expect(actual!.message).toContain(field === undefined ? '' : `"${field}"`);
};

describe('LIMITS', () => {
  it('matches §6', () => {
    expect(LIMITS).toEqual({
      maxMessageBytes: 32768,
      maxBatchBytes: 512000,
      maxBatchItems: 2500,
      maxMessageIdLength: 99,
    });
    expect(Object.isFrozen(LIMITS)).toBe(true);
  });
});

describe('messageByteLength', () => {
  it('measures compact JSON in UTF-8 bytes', () => {
    expect(messageByteLength({ a: 1 })).toBe(7);
    expect(messageByteLength({ a: 'é' })).toBe('{"a":""}'.length + 2);
    expect(messageByteLength({ a: '€' })).toBe('{"a":""}'.length + 3);
    expect(messageByteLength({ a: '😀' })).toBe('{"a":""}'.length + 4);
    expect(messageByteLength('x')).toBe(3);
  });

  it('counts JSON escapes as written', () => {
    expect(messageByteLength({ a: '"\n' })).toBe('{"a":"\\"\\n"}'.length);
    // a lone surrogate is serialised as a 6-character \\u escape (well-formed JSON.stringify)
    expect(messageByteLength({ a: '\ud800' })).toBe('{"a":"\\ud800"}'.length);
  });

  it('measures nothing as 0 and unserialisable values as Infinity', () => {
    expect(messageByteLength(undefined)).toBe(0);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(messageByteLength(cyclic)).toBe(Number.POSITIVE_INFINITY);
    expect(messageByteLength({ n: BigInt(1) })).toBe(Number.POSITIVE_INFINITY);
  });
});

describe('validateMessage', () => {
  it.each(CALL_TYPES)('accepts a minimal valid %s', (type) => {
    expect(validateMessage(VALID[type], type)).toBeNull();
  });

  it.each([[null], [undefined], ['track'], [42], [[{ userId: 'u1', event: 'x' }]], [new Date()]])(
    'rejects a non-object message %p',
    (msg) => {
      const result = validateMessage(msg, 'track');
      expectIssue(result, 'invalid_message');
      expect(result!.message).toBe('track: the message must be a JSON object');
    },
  );

  it('ignores a body type that conflicts with the call type', () => {
    expect(validateMessage({ ...VALID.identify, type: 'alias' }, 'identify')).toBeNull();
  });

  it('keeps unknown extra fields acceptable', () => {
    expect(validateMessage({ ...VALID.track, _metadata: { nodeVersion: '20' }, version: 2 }, 'track')).toBeNull();
  });

  describe('identity', () => {
    it.each(['identify', 'track', 'page', 'screen', 'group'] as const)('%s needs userId or anonymousId', (type) => {
      const { userId: _u, anonymousId: _a, ...rest } = VALID[type];
      const result = validateMessage(rest, type);
      expectIssue(result, 'invalid_message', 'userId');
      expect(result!.message).toBe(`${type}: "userId" or "anonymousId" is required (a string or a number)`);
      expect(validateMessage({ ...rest, anonymousId: 'a' }, type)).toBeNull();
      expect(validateMessage({ ...rest, userId: 'u' }, type)).toBeNull();
    });

    it.each([[null], ['']])('counts %p as missing', (missing) => {
      expectIssue(
        validateMessage({ event: 'x', userId: missing, anonymousId: missing }, 'track'),
        'invalid_message',
        'userId',
      );
    });

    it('accepts numeric identifiers, including 0', () => {
      expect(validateMessage({ userId: 123, event: 'x' }, 'track')).toBeNull();
      expect(validateMessage({ anonymousId: 0, event: 'x' }, 'track')).toBeNull();
      expect(validateMessage({ userId: 1, groupId: 7 }, 'group')).toBeNull();
      expect(validateMessage({ userId: 1, previousId: 2 }, 'alias')).toBeNull();
    });

    it.each(['userId', 'anonymousId', 'groupId', 'previousId'])('rejects a non-string, non-number %s', (field) => {
      for (const bad of [true, {}, ['u']]) {
        const result = validateMessage({ ...VALID.group, previousId: 'p', [field]: bad }, 'group');
        expectIssue(result, 'invalid_message', field);
        expect(result!.message).toBe(`group: "${field}" must be a string or a number`);
      }
    });

    it('does not accept groupId alone as an identity (analytics-node does)', () => {
      expectIssue(validateMessage({ groupId: 'g1' }, 'group'), 'invalid_message', 'userId');
    });
  });

  describe('track', () => {
    it.each([[undefined], [null], ['']])('requires a non-empty event (%p)', (event) => {
      const result = validateMessage({ userId: 'u1', event }, 'track');
      expectIssue(result, 'invalid_message', 'event');
      expect(result!.message).toBe('track: "event" is required (a non-empty string)');
    });

    it('rejects a non-string event', () => {
      const result = validateMessage({ userId: 'u1', event: 5 }, 'track');
      expectIssue(result, 'invalid_message', 'event');
      expect(result!.message).toBe('track: "event" must be a string');
    });
  });

  describe('group', () => {
    it.each([[undefined], [null], ['']])('requires groupId (%p)', (groupId) => {
      const result = validateMessage({ userId: 'u1', groupId }, 'group');
      expectIssue(result, 'invalid_message', 'groupId');
      expect(result!.message).toBe('group: "groupId" is required (a string or a number)');
    });
  });

  describe('alias', () => {
    it('requires previousId', () => {
      const result = validateMessage({ userId: 'u1' }, 'alias');
      expectIssue(result, 'invalid_message', 'previousId');
      expect(result!.message).toBe('alias: "previousId" is required (a string or a number)');
    });

    it('requires userId; anonymousId is not enough', () => {
      const result = validateMessage({ previousId: 'a1', anonymousId: 'a2' }, 'alias');
      expectIssue(result, 'invalid_message', 'userId');
      expect(result!.message).toBe('alias: "userId" is required (a string or a number)');
    });
  });

  describe('field types', () => {
    it.each(['properties', 'traits', 'context', 'integrations'])('%s must be a plain object when present', (field) => {
      for (const bad of ['x', 1, true, [], [{}]]) {
        const result = validateMessage({ ...VALID.track, [field]: bad }, 'track');
        expectIssue(result, 'invalid_message', field);
        expect(result!.message).toBe(`track: "${field}" must be an object`);
      }
      expect(validateMessage({ ...VALID.track, [field]: null }, 'track')).toBeNull();
      expect(validateMessage({ ...VALID.track, [field]: { nested: { ok: true } } }, 'track')).toBeNull();
    });

    it.each(['event', 'name', 'category'])('%s must be a string when present (any call type)', (field) => {
      for (const bad of [1, true, {}, []]) {
        expectIssue(validateMessage({ ...VALID.page, [field]: bad }, 'page'), 'invalid_message', field);
      }
      expect(validateMessage({ ...VALID.page, [field]: null }, 'page')).toBeNull();
      expect(validateMessage({ ...VALID.page, [field]: '' }, 'page')).toBeNull();
    });
  });

  describe('messageId', () => {
    it('accepts 99 characters and rejects 100', () => {
      expect(validateMessage({ ...VALID.track, messageId: 'm'.repeat(99) }, 'track')).toBeNull();
      const result = validateMessage({ ...VALID.track, messageId: 'm'.repeat(100) }, 'track');
      expectIssue(result, 'invalid_message_id', 'messageId');
      expect(result!.message).toBe('track: "messageId" must be fewer than 100 characters');
    });

    it('counts characters, not UTF-16 units or bytes', () => {
      expect(validateMessage({ ...VALID.track, messageId: '😀'.repeat(99) }, 'track')).toBeNull();
      expectIssue(
        validateMessage({ ...VALID.track, messageId: '😀'.repeat(100) }, 'track'),
        'invalid_message_id',
        'messageId',
      );
    });

    it('must be a string', () => {
      const result = validateMessage({ ...VALID.track, messageId: 12 }, 'track');
      expectIssue(result, 'invalid_message_id', 'messageId');
      expect(result!.message).toBe('track: "messageId" must be a string');
    });

    it('may be absent, null or "" (the server assigns one)', () => {
      expect(validateMessage({ ...VALID.track, messageId: null }, 'track')).toBeNull();
      expect(validateMessage({ ...VALID.track, messageId: '' }, 'track')).toBeNull();
    });
  });

  describe('timestamps', () => {
    it.each(['timestamp', 'originalTimestamp', 'sentAt'])('%s must be ISO 8601', (field) => {
      for (const bad of ['yesterday', '2024-02-30T00:00:00Z', 1704164645000, true, {}]) {
        const result = validateMessage({ ...VALID.track, [field]: bad }, 'track');
        expectIssue(result, 'invalid_timestamp', field);
        expect(result!.message).toContain(`track: "${field}" must be an ISO 8601 date-time`);
      }
    });

    it.each([
      '2024-01-02T03:04:05.123Z',
      '2024-01-02T03:04:05.123456+00:00',
      '2024-01-02T03:04:05-07:00',
      '2024-01-02T03:04:05',
      null,
      '',
    ])('accepts %p', (value) => {
      expect(
        validateMessage({ ...VALID.track, timestamp: value, sentAt: value, originalTimestamp: value }, 'track'),
      ).toBeNull();
    });
  });

  describe('size', () => {
    /** A track message of exactly `bytes` bytes, padded mostly with `char` and topped up with ASCII. */
    const messageOf = (bytes: number, char: string): Record<string, unknown> => {
      const base = { ...VALID.track, properties: { pad: '' } };
      const room = bytes - messageByteLength(base);
      const width = Buffer.byteLength(char, 'utf8');
      const count = Math.floor(room / width);
      return { ...base, properties: { pad: char.repeat(count) + 'a'.repeat(room - count * width) } };
    };

    it.each([
      ['ASCII', 'a'],
      ['2-byte', 'é'],
      ['3-byte (CJK)', '中'],
      ['4-byte (emoji)', '😀'],
    ])('accepts exactly 32,768 bytes and rejects 32,769 (%s)', (_label, char) => {
      const exact = messageOf(LIMITS.maxMessageBytes, char);
      expect(Buffer.byteLength(JSON.stringify(exact), 'utf8')).toBe(32768);
      expect(messageByteLength(exact)).toBe(32768);
      expect(validateMessage(exact, 'track')).toBeNull();

      const over = messageOf(LIMITS.maxMessageBytes + 1, char);
      expect(messageByteLength(over)).toBe(32769);
      expect(validateMessage(over, 'track')).toEqual({
        code: 'payload_too_large',
        message: 'track: the message is 32769 bytes; the limit is 32768 bytes (32 KB)',
      });
    });

    it('measures bytes, not characters: 16,384 two-byte characters exceed the limit', () => {
      const msg = { ...VALID.track, properties: { pad: 'é'.repeat(16384) } };
      expect(JSON.stringify(msg).length).toBeLessThan(32768);
      expect(validateMessage(msg, 'track')?.code).toBe('payload_too_large');
    });

    it.each([
      ['NUL', '\u0000'],
      ['a lone surrogate', '\ud800'],
    ])('counts each %s as its 6-byte escape, as analytics-node measures', (_label, char) => {
      const under = { ...VALID.track, properties: { pad: char.repeat(5000) } };
      const over = { ...VALID.track, properties: { pad: char.repeat(5500) } };
      expect(messageByteLength(under)).toBe(JSON.stringify({ ...under, properties: { pad: '' } }).length + 6 * 5000);
      expect(validateMessage(under, 'track')).toBeNull();
      expect(validateMessage(over, 'track')?.code).toBe('payload_too_large');
    });
  });

  it('is not fooled by prototype properties or own __proto__ keys', () => {
    const msg: unknown = JSON.parse('{"__proto__":{"userId":"u1","event":"x"}}');
    expectIssue(validateMessage(msg, 'track'), 'invalid_message', 'userId');
    const ok: unknown = JSON.parse('{"userId":"u1","event":"x","__proto__":{"polluted":true}}');
    expect(validateMessage(ok, 'track')).toBeNull();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('validateDeletion', () => {
  it('accepts a deletion with a non-empty string userId', () => {
    expect(validateDeletion({ type: 'delete', userId: 'u1' })).toBeNull();
    expect(validateDeletion({ userId: 'u1', anonymousId: 'a1', messageId: 'm1' })).toBeNull();
    expect(validateDeletion({ userId: 'u1', anonymousId: null })).toBeNull();
  });

  it.each([[{}], [{ userId: '' }], [{ userId: null }], [{ userId: 12 }], [{ anonymousId: 'a1' }]])(
    'requires userId: %p',
    (msg) => {
      expect(validateDeletion(msg)).toEqual({
        code: 'invalid_message',
        message: 'delete: "userId" is required (a non-empty string)',
        field: 'userId',
      });
    },
  );

  it('rejects non-objects, a wrong type, a bad anonymousId and a bad messageId', () => {
    expect(validateDeletion('u1')?.code).toBe('invalid_message');
    expect(validateDeletion(null)?.code).toBe('invalid_message');
    expect(validateDeletion({ type: 'track', userId: 'u1' })?.field).toBe('type');
    expect(validateDeletion({ userId: 'u1', anonymousId: 5 })?.field).toBe('anonymousId');
    expect(validateDeletion({ userId: 'u1', messageId: 'm'.repeat(100) })?.code).toBe('invalid_message_id');
    expect(validateDeletion({ userId: 'u1', messageId: 1 })?.code).toBe('invalid_message_id');
  });
});
