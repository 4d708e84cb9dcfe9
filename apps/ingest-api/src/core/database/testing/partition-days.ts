/** Days from today (UTC) for the plan specs, and the daily partitions ensure_audit_partitions names after them. */

export const DAY_MS = 86_400_000;

/** Midnight UTC `days` from today. */
export function dayFromToday(days: number): Date {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) + days * DAY_MS);
}

/** The daily partition of `table` that holds the day `days` from today (`<table>_pYYYYMMDD`). */
export function dailyPartition(table: string, days: number): string {
  return `${table}_p${dayFromToday(days).toISOString().slice(0, 10).replace(/-/g, '')}`;
}

/** Noon UTC `days` from today with microseconds, as text (a JavaScript Date would round them away). */
export function noonWithMicroseconds(days: number): string {
  return `${dayFromToday(days).toISOString().slice(0, 10)}T12:00:00.123456Z`;
}
