import { IsInt, IsOptional, Max, Min } from 'class-validator';

/**
 * A source's or destination's own retention (null or absent: the global setting). A partition holds every source's
 * and destination's rows, so only an override longer than every other retention delays a drop (the longest
 * applies to all).
 */
export class RetentionOverridesDto {
  /** Days its events are kept (null: EVENT_RETENTION_DAYS). */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(3650)
  eventRetentionDays?: number | null;

  /** Days its deliveries, attempts and state changes are kept (null: AUDIT_RETENTION_DAYS). */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(3650)
  auditRetentionDays?: number | null;
}
