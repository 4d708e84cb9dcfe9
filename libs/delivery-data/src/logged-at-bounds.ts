/**
 * Bounds of the logged_at (the deliveries tables' partition key) of a group of deliveries, passed to a statement as
 * constants so that Postgres plans and probes only the partitions between them. A database kept under the default
 * AUDIT_RETENTION_DAYS holds ~97 daily partitions; a statement planned over all of them cost the worker's claim
 * ~20x its planning time at 8.
 */

/** Every partition: for a group in which some delivery's logged_at is not known. */
export const ALL_PARTITIONS: readonly [string, string] = ['-infinity', 'infinity'];

/**
 * The group's earliest and latest logged_at, widened by a millisecond each way: Postgres keeps microseconds, a
 * JavaScript Date milliseconds, so a loaded time may be just below or above the stored one.
 */
export function loggedAtBounds(group: { loggedAt: Date }[]): [Date, Date] {
  const times = group.map((g) => g.loggedAt.getTime());
  return [new Date(Math.min(...times) - 1), new Date(Math.max(...times) + 1)];
}

/** Bounds of logged_at as a statement takes them: two times, or ALL_PARTITIONS. */
export type LoggedAtBounds = readonly [Date | string, Date | string];

/**
 * Looks `items` up between `bounds`, then over every partition for those not found there (a wrong logged_at in a job,
 * or a row that is not there): found ones by `keyOf`.
 */
export async function boundedFirst<T, V>(
  items: T[],
  bounds: LoggedAtBounds,
  keyOf: (item: T) => string,
  lookUp: (items: T[], bounds: LoggedAtBounds) => Promise<Map<string, V>>,
): Promise<Map<string, V>> {
  const found = await lookUp(items, bounds);
  const missed = items.filter((item) => !found.has(keyOf(item)));
  if (missed.length > 0 && bounds !== ALL_PARTITIONS) {
    for (const [key, value] of await lookUp(missed, ALL_PARTITIONS)) found.set(key, value);
  }
  return found;
}

/**
 * The bounds of the claims' logged_at when every claim carries a valid one (a job's data names it), else every
 * partition. A bound that is wrong (a job changed in Redis) only makes the claim miss: the caller asks again over
 * every partition for what it did not claim.
 */
export function claimBounds(group: { loggedAt?: Date }[]): LoggedAtBounds {
  const named = (g: { loggedAt?: Date }): g is { loggedAt: Date } =>
    g.loggedAt !== undefined && !Number.isNaN(g.loggedAt.getTime());
  return group.length > 0 && group.every(named) ? loggedAtBounds(group) : ALL_PARTITIONS;
}

/**
 * How much earlier than its delivery's logged_at an attempt's started_at may be: an attempt starts after its
 * delivery is logged, but the two times come from different hosts' clocks (ingest's and a worker's).
 */
const CLOCK_SKEW_MARGIN_MS = 86_400_000;

/** A time no attempt of deliveries logged within `bounds` started before (the audit partitions to look in). */
export function attemptsFrom(bounds: LoggedAtBounds): Date | string {
  return bounds[0] instanceof Date ? attemptsStartedFrom(bounds[0]) : '-infinity';
}

/**
 * A time no attempt of deliveries logged at these times (timestamptz as Postgres writes it, microseconds and all)
 * started before; every partition when one does not parse.
 */
export function attemptsFromLoggedTimes(loggedAt: string[]): Date | string {
  const earliest = Math.min(...loggedAt.map((t) => new Date(t).getTime()));
  return Number.isFinite(earliest) ? attemptsStartedFrom(new Date(earliest)) : '-infinity';
}

/** A time no attempt of deliveries logged at or after `loggedAt` started before. */
function attemptsStartedFrom(loggedAt: Date): Date {
  return new Date(loggedAt.getTime() - CLOCK_SKEW_MARGIN_MS);
}
