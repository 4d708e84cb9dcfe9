import fc from 'fast-check';
import { MAX_ISO_MS, MIN_ISO_MS, parseIsoTimestamp } from './timestamps';

const iso = (v: string): string | undefined => parseIsoTimestamp(v)?.toISOString();

describe('parseIsoTimestamp', () => {
  it('parses UTC with milliseconds', () => {
    expect(iso('2024-01-02T03:04:05.123Z')).toBe('2024-01-02T03:04:05.123Z');
  });

  it('parses microseconds with an offset (analytics-python), truncating to milliseconds', () => {
    expect(iso('2024-01-02T03:04:05.123456+00:00')).toBe('2024-01-02T03:04:05.123Z');
    expect(iso('2024-01-02T03:04:05.999999+00:00')).toBe('2024-01-02T03:04:05.999Z');
  });

  it('parses nanoseconds and short fractions', () => {
    expect(iso('2024-01-02T03:04:05.123456789Z')).toBe('2024-01-02T03:04:05.123Z');
    expect(iso('2024-01-02T03:04:05.1Z')).toBe('2024-01-02T03:04:05.100Z');
    expect(iso('2024-01-02T03:04:05,5Z')).toBe('2024-01-02T03:04:05.500Z');
  });

  it('applies any offset', () => {
    expect(iso('2024-01-02T03:04:05+02:00')).toBe('2024-01-02T01:04:05.000Z');
    expect(iso('2024-01-02T03:04:05-05:30')).toBe('2024-01-02T08:34:05.000Z');
    expect(iso('2024-01-02T03:04:05+0530')).toBe('2024-01-01T21:34:05.000Z');
    expect(iso('2024-01-02T03:04:05+05')).toBe('2024-01-01T22:04:05.000Z');
    expect(iso('2024-01-02T03:04:05-00:00')).toBe('2024-01-02T03:04:05.000Z');
    expect(iso('2024-01-02T23:30:00.250-01:00')).toBe('2024-01-03T00:30:00.250Z');
  });

  it('reads values without an offset as UTC, whatever the server time zone', () => {
    expect(iso('2024-01-02T03:04:05')).toBe('2024-01-02T03:04:05.000Z');
    expect(iso('2024-01-02T03:04')).toBe('2024-01-02T03:04:00.000Z');
    expect(iso('2024-01-02')).toBe('2024-01-02T00:00:00.000Z');
  });

  it('accepts RFC 3339 variants (lower-case t/z, space separator)', () => {
    expect(iso('2024-01-02t03:04:05z')).toBe('2024-01-02T03:04:05.000Z');
    expect(iso('2024-01-02 03:04:05Z')).toBe('2024-01-02T03:04:05.000Z');
  });

  it('handles leap days and years below 100 correctly', () => {
    expect(iso('2024-02-29T00:00:00Z')).toBe('2024-02-29T00:00:00.000Z');
    expect(iso('2000-02-29T00:00:00Z')).toBe('2000-02-29T00:00:00.000Z');
    expect(iso('0050-06-01T00:00:00Z')).toBe('0050-06-01T00:00:00.000Z');
  });

  it.each([
    '',
    'now',
    '2024',
    '2024-01',
    '2024-1-2T03:04:05Z',
    '2024-01-02T3:04:05Z',
    '2024-01-02T03:04:05.Z',
    '2024-01-02T03:04:05.1234567890Z',
    '2024-13-01T00:00:00Z',
    '2024-00-01T00:00:00Z',
    '2024-01-32T00:00:00Z',
    '2023-02-29T00:00:00Z',
    '1900-02-29T00:00:00Z',
    '2024-04-31T00:00:00Z',
    '2024-01-02T24:00:00Z',
    '2024-01-02T23:60:00Z',
    '2024-01-02T23:59:60Z',
    '2024-01-02T03:04:05+24:00',
    '2024-01-02T03:04:05+02:60',
    '2024-01-02T03:04:05 Z',
    ' 2024-01-02T03:04:05Z',
    '2024-01-02T03:04:05Z ',
    '2024-01-02T03:04:05ZZ',
    '2024-01-02+02:00',
    'Tue, 02 Jan 2024 03:04:05 GMT',
    '1704164645000',
    '+002024-01-02T03:04:05Z',
    '0000-01-01T00:00:00+00:01',
    '9999-12-31T23:59:59-00:01',
  ])('rejects %p', (v) => expect(parseIsoTimestamp(v)).toBeNull());

  it.each([[null], [undefined], [1704164645000], [new Date()], [{}], [['2024-01-02T03:04:05Z']]])(
    'rejects non-strings: %p',
    (v) => expect(parseIsoTimestamp(v)).toBeNull(),
  );

  it('accepts the extremes of four-digit years', () => {
    expect(parseIsoTimestamp('0000-01-01T00:00:00.000Z')?.getTime()).toBe(MIN_ISO_MS);
    expect(parseIsoTimestamp('9999-12-31T23:59:59.999Z')?.getTime()).toBe(MAX_ISO_MS);
  });

  const dates = fc.date({ min: new Date(MIN_ISO_MS), max: new Date(MAX_ISO_MS), noInvalidDate: true });

  it('round-trips toISOString (property)', () => {
    fc.assert(fc.property(dates, (d) => parseIsoTimestamp(d.toISOString())?.getTime() === d.getTime()));
  });

  it('gives the same instant for any offset representation (property)', () => {
    const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
    fc.assert(
      fc.property(
        fc.date({ min: new Date('0001-01-02T00:00:00Z'), max: new Date('9999-12-30T00:00:00Z'), noInvalidDate: true }),
        fc.integer({ min: -23 * 60 - 59, max: 23 * 60 + 59 }),
        fc.integer({ min: 0, max: 999 }),
        (d, offsetMinutes, micros) => {
          const local = new Date(d.getTime() + offsetMinutes * 60_000);
          const abs = Math.abs(offsetMinutes);
          const text =
            `${pad(local.getUTCFullYear(), 4)}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}` +
            `T${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}` +
            `.${pad(local.getUTCMilliseconds(), 3)}${pad(micros, 3)}` +
            `${offsetMinutes < 0 ? '-' : '+'}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
          return parseIsoTimestamp(text)?.getTime() === d.getTime();
        },
      ),
    );
  });

  it('reads YYYY-MM-DDThh:mm:ss.sssZ (its fast path) as the general parser reads the same text with +00:00 (property)', () => {
    const digits = (n: number) => fc.stringMatching(new RegExp(`^[0-9]{${n}}$`));
    // Any digits in every field, so invalid calendar values (month 13, 02-30, 24:00) are covered too.
    const canonical = fc
      .tuple(digits(4), digits(2), digits(2), digits(2), digits(2), digits(2), digits(3))
      .map(([y, mo, d, h, mi, s, ms]) => `${y}-${mo}-${d}T${h}:${mi}:${s}.${ms}Z`);
    const valid = dates.map((d) => d.toISOString()).filter((v) => v.length === 24);
    fc.assert(
      fc.property(fc.oneof(canonical, valid), (v) => {
        const general = parseIsoTimestamp(`${v.slice(0, 23)}+00:00`);
        return parseIsoTimestamp(v)?.getTime() === general?.getTime();
      }),
      { numRuns: 2000 },
    );
    expect(parseIsoTimestamp('2023-02-29T00:00:00.000Z')).toBeNull();
    expect(parseIsoTimestamp('2024-02-29T23:59:59.999Z')?.toISOString()).toBe('2024-02-29T23:59:59.999Z');
    expect(parseIsoTimestamp('2024-01-02T03:04:05.12xZ')).toBeNull();
  });

  it('never throws and returns null or a valid in-range Date for any string (property)', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.string({ unit: 'binary' }),
          dates.map((d) => d.toISOString()),
        ),
        (s) => {
          const r = parseIsoTimestamp(s);
          return r === null || (r.getTime() >= MIN_ISO_MS && r.getTime() <= MAX_ISO_MS);
        },
      ),
    );
  });
});
