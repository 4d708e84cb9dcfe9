/**
 * ISO 8601 / RFC 3339 date-time in extended format:
 * `YYYY-MM-DD` optionally followed by `T` (or `t` / a space) `hh:mm[:ss[.fraction]]` and an optional offset
 * (`Z`, `z`, `±hh`, `±hhmm`, `±hh:mm`). The fraction may have 1–9 digits; it is truncated to milliseconds.
 */
const ISO_DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(?:([Zz])|([+-])(\d{2})(?::?(\d{2}))?)?)?$/;

/** 0000-01-01T00:00:00.000Z and 9999-12-31T23:59:59.999Z: the instants a four-digit-year ISO string can name. */
export const MIN_ISO_MS = -62167219200000;
export const MAX_ISO_MS = 253402300799999;

function daysInMonth(year: number, month: number): number {
  if (month === 2) {
    const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
    return leap ? 29 : 28;
  }
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** The digit at `i` of `v`, or NaN. */
function digit(v: string, i: number): number {
  const d = v.charCodeAt(i) - 48;
  return d >= 0 && d <= 9 ? d : NaN;
}

/**
 * The fast path for `YYYY-MM-DDThh:mm:ss.sssZ`, the form `toISOString()` and the Segment libraries send:
 * the epoch milliseconds, null when it has that form but names no valid instant, undefined when it
 * has another form (left to the general parser).
 */
function canonicalUtcTime(v: string): number | null | undefined {
  if (v[4] !== '-' || v[7] !== '-' || v[10] !== 'T' || v[13] !== ':' || v[16] !== ':' || v[19] !== '.') return;
  if (v[23] !== 'Z') return;
  const year = digit(v, 0) * 1000 + digit(v, 1) * 100 + digit(v, 2) * 10 + digit(v, 3);
  const month = digit(v, 5) * 10 + digit(v, 6);
  const day = digit(v, 8) * 10 + digit(v, 9);
  const hour = digit(v, 11) * 10 + digit(v, 12);
  const minute = digit(v, 14) * 10 + digit(v, 15);
  const second = digit(v, 17) * 10 + digit(v, 18);
  const ms = digit(v, 20) * 100 + digit(v, 21) * 10 + digit(v, 22);
  // A non-digit anywhere makes the sum NaN; years below 100 need the general path (Date.UTC maps
  // 0–99 to 1900–1999).
  if (!(year + month + day + hour + minute + second + ms >= 0) || year < 100) return;
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  if (hour > 23 || minute > 59 || second > 59) return null;
  return Date.UTC(year, month - 1, day, hour, minute, second, ms);
}

/**
 * Parses an ISO 8601 date-time string (`segment-ingest.md` §3: any offset, up to microsecond precision — longer
 * fractions are accepted and truncated to milliseconds).
 *
 * Project decisions: a value without an offset (`2024-01-02T03:04:05`, or a bare date) is read as UTC, so the
 * result never depends on the server's time zone; calendar fields are range-checked (no 2023-02-29, no 24:00,
 * no leap second); the instant must lie within years 0000–9999 so that its `toISOString()` stays ISO 8601.
 *
 * @returns the instant, or `null` when `v` is not a string or not a valid ISO 8601 date-time.
 */
export function parseIsoTimestamp(v: unknown): Date | null {
  if (typeof v !== 'string') return null;
  if (v.length === 24) {
    const time = canonicalUtcTime(v);
    if (time !== undefined) return time === null ? null : new Date(time);
  }
  const m = ISO_DATE_TIME.exec(v);
  if (m === null) return null;
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '', , sign, oh = '0', om = '0'] = m;

  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  const ms = Number(frac.padEnd(3, '0').slice(0, 3));
  const offsetHours = Number(oh);
  const offsetMinutes = Number(om);

  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  if (hour > 23 || minute > 59 || second > 59) return null;
  if (offsetHours > 23 || offsetMinutes > 59) return null;

  // Date.UTC maps years 0–99 to 1900–1999, so the year is set separately.
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, ms);
  const offsetMs = (offsetHours * 60 + offsetMinutes) * 60_000 * (sign === '-' ? -1 : 1);
  const time = date.getTime() - offsetMs;
  if (!(time >= MIN_ISO_MS && time <= MAX_ISO_MS)) return null;
  return new Date(time);
}
