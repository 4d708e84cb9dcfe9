import { IsInt, IsNotEmpty, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import type { SourceEntity } from '@fsd/platform';

export class CreateSourceDto {
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name!: string;

  /** Requests per second for this source's write key; null or absent = no limit. */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  rateLimitRequestsPerSecond?: number | null;

  /** Events per second (batch items count individually); null or absent = no limit. */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(10_000_000)
  rateLimitEventsPerSecond?: number | null;

  /**
   * Days this source's events are kept (null: EVENT_RETENTION_DAYS). A partition holds every source's rows, so
   * only an override longer than every other retention delays a drop (the longest applies to all).
   */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(3650)
  eventRetentionDays?: number | null;

  /** Days this source's deliveries, attempts and state changes are kept (null: AUDIT_RETENTION_DAYS); the longest applies. */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(3650)
  auditRetentionDays?: number | null;
}

export class UpdateSourceDto {
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name?: string;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  rateLimitRequestsPerSecond?: number | null;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(10_000_000)
  rateLimitEventsPerSecond?: number | null;

  /**
   * Days this source's events are kept (null: EVENT_RETENTION_DAYS). A partition holds every source's rows, so
   * only an override longer than every other retention delays a drop (the longest applies to all).
   */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(3650)
  eventRetentionDays?: number | null;

  /** Days this source's deliveries, attempts and state changes are kept (null: AUDIT_RETENTION_DAYS); the longest applies. */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(3650)
  auditRetentionDays?: number | null;
}

/** Longest overlap a rotation may give the replaced key: one week. */
export const MAX_WRITE_KEY_OVERLAP_SECONDS = 7 * 24 * 3600;

export class RotateWriteKeyDto {
  /** How long the replaced key keeps working; 0 or absent = it stops at once. */
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_WRITE_KEY_OVERLAP_SECONDS)
  overlapSeconds?: number;
}

export interface SourceView {
  id: string;
  name: string;
  writeKeyHint: string;
  /** The replaced key, while its overlap window lasts (null otherwise). */
  previousWriteKey: { hint: string; expiresAt: string } | null;
  rateLimitRequestsPerSecond: number | null;
  rateLimitEventsPerSecond: number | null;
  eventRetentionDays: number | null;
  auditRetentionDays: number | null;
  createdAt: string;
  updatedAt: string;
}

export function toSourceView(s: SourceEntity, now = new Date()): SourceView {
  return {
    id: s.id,
    name: s.name,
    writeKeyHint: s.writeKeyHint,
    previousWriteKey:
      s.previousWriteKeyHint && s.previousWriteKeyExpiresAt && s.previousWriteKeyExpiresAt.getTime() > now.getTime()
        ? { hint: s.previousWriteKeyHint, expiresAt: s.previousWriteKeyExpiresAt.toISOString() }
        : null,
    rateLimitRequestsPerSecond: s.rateLimitRequestsPerSecond,
    rateLimitEventsPerSecond: s.rateLimitEventsPerSecond,
    eventRetentionDays: s.eventRetentionDays,
    auditRetentionDays: s.auditRetentionDays,
    createdAt: s.createdAt.toISOString(),
    updatedAt: s.updatedAt.toISOString(),
  };
}
