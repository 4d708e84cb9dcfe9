import { IsInt, IsNotEmpty, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { PartialType } from '@nestjs/swagger';
import type { SourceEntity } from '@fsd/platform';
import { RetentionOverridesDto } from '../common/retention-overrides.dto';

export class CreateSourceDto extends RetentionOverridesDto {
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
}

/** Every field optional; given fields replace the stored ones. */
export class UpdateSourceDto extends PartialType(CreateSourceDto) {}

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
