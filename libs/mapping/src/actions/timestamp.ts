import dayjs from 'dayjs';
import utc from 'dayjs/plugin/utc';

dayjs.extend(utc);

/** §3.5: truthy timestamp → dayjs.utc(value).toISOString() when valid, else undefined. */
export function convertTimestamp(value: unknown): string | undefined {
  if (!value) return undefined;
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  if (typeof value === 'string') {
    const last = value.charCodeAt(value.length - 1);
    if (last === 90 || last === 122) {
      // dayjs.utc parses strings ending in Z/z with the native Date parser (fast path, same result).
      const d = new Date(value);
      return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
    }
  }
  const d = dayjs.utc(value);
  return d.isValid() ? d.toISOString() : undefined;
}
