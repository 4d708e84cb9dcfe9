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
}

export interface SourceView {
  id: string;
  name: string;
  writeKeyHint: string;
  rateLimitRequestsPerSecond: number | null;
  rateLimitEventsPerSecond: number | null;
  createdAt: string;
  updatedAt: string;
}

export function toSourceView(s: SourceEntity): SourceView {
  return {
    id: s.id,
    name: s.name,
    writeKeyHint: s.writeKeyHint,
    rateLimitRequestsPerSecond: s.rateLimitRequestsPerSecond,
    rateLimitEventsPerSecond: s.rateLimitEventsPerSecond,
    createdAt: s.createdAt.toISOString(),
    updatedAt: s.updatedAt.toISOString(),
  };
}
