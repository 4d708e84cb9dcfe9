import dayjs from 'dayjs';
import utc from 'dayjs/plugin/utc';

dayjs.extend(utc);

/** §3.5: truthy timestamp → dayjs.utc(value).toISOString() when valid, else undefined. */
export function convertTimestamp(value: unknown): string | undefined {
  if (!value) return undefined;
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  const d = dayjs.utc(value);
  return d.isValid() ? d.toISOString() : undefined;
}
