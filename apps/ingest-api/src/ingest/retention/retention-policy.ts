import { startOfUtcDay } from '@fsd/platform';

const DAY_MS = 86_400_000;

export interface RetentionSettings {
  eventRetentionDays: number;
  auditRetentionDays: number;
  dedupWindowDays: number;
}

/** The longest override set on any source or destination (archived ones too: their rows are still kept), or null. */
export interface RetentionOverrides {
  eventDays: number | null;
  auditDays: number | null;
}

/** Every row at or after a cutoff is kept; a partition is dropped once it ends at or before its table's cutoff. */
export interface RetentionCutoffs {
  /** events: the earliest time a replay may start from. */
  events: Date;
  /** event_dedup: a messageId is refused again until the partition of its first sight is dropped. */
  dedup: Date;
  /** deliveries, delivery_attempts, delivery_state_changes, delivery_funnel_hourly. */
  audit: Date;
  eventDays: number;
  auditDays: number;
}

/**
 * The cutoffs at `now`. A partition holds the rows of every source and destination, so a drop waits for the
 * longest retention that applies to any of them: the effective days are the max of the global setting and every
 * override (an override shorter than the global setting changes nothing). Audit is never shorter than events (a
 * kept event keeps its deliveries' audit), and dedup keys follow the dedup window (the config keeps events at
 * least that long). Cutoffs fall on UTC midnights, `days` whole days before today's: at least `days` full days
 * are always kept, and today's rows.
 */
export function retentionCutoffs(
  now: Date,
  settings: RetentionSettings,
  overrides: RetentionOverrides,
): RetentionCutoffs {
  const eventDays = Math.max(settings.eventRetentionDays, overrides.eventDays ?? 0);
  const auditDays = Math.max(settings.auditRetentionDays, overrides.auditDays ?? 0, eventDays);
  const today = startOfUtcDay(now).getTime();
  const before = (days: number) => new Date(today - days * DAY_MS);
  return {
    events: before(eventDays),
    dedup: before(Math.min(settings.dedupWindowDays, eventDays)),
    audit: before(auditDays),
    eventDays,
    auditDays,
  };
}
