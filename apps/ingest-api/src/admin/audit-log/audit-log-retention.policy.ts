/** A month's partition of admin_audit_log, as the catalog bounds it. */
export interface AuditLogPartition {
  name: string;
  /** Start of its range. */
  from: Date;
  /** End of its range (exclusive). */
  to: Date;
}

const DAY_MS = 86_400_000;
/** Months created ahead of the current one, so an entry never finds its month missing between two runs. */
export const MONTHS_AHEAD = 3;

/** Entries at or after this instant are kept. Pure. */
export function auditLogCutoff(now: Date, retentionDays: number): Date {
  return new Date(now.getTime() - retentionDays * DAY_MS);
}

/** The partitions to drop: those whose every entry is older than the cutoff (their range ends by it). Pure. */
export function expiredPartitions(partitions: AuditLogPartition[], cutoff: Date): AuditLogPartition[] {
  return partitions.filter((p) => p.to.getTime() <= cutoff.getTime());
}

/** The first days of the months that must exist at `now`: this month through MONTHS_AHEAD ahead (UTC). Pure. */
export function monthsToEnsure(now: Date): { first: Date; last: Date } {
  const first = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  const last = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + MONTHS_AHEAD, 1));
  return { first, last };
}
