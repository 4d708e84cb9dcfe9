import { PartialType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { RetentionOverridesDto } from '../common/retention-overrides.dto';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  IsUrl,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { MAX_FILTERS } from '@fsd/mapping';
import { CreateMappingDto } from '../mappings/mapping.dto';

const URL_OPTIONS = { protocols: ['http', 'https'], require_protocol: true, require_tld: false };

export class PresetsDto {
  /** "Track Event": `type = "track"` → trackEventV2. */
  @IsOptional()
  @IsBoolean()
  trackEvent?: boolean;

  /** "Identify User": `type = "identify"` → identifyUserV2. */
  @IsOptional()
  @IsBoolean()
  identifyUser?: boolean;
}

export class FilterFieldsDto {
  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  properties?: string[];

  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  traits?: string[];

  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  context?: string[];
}

export class FilterEffectDto {
  @IsIn(['drop', 'keep_fields', 'drop_fields'])
  type!: 'drop' | 'keep_fields' | 'drop_fields';

  /** Required for keep_fields / drop_fields (checked with the whole configuration). */
  @IsOptional()
  @ValidateNested()
  @Type(() => FilterFieldsDto)
  fields?: FilterFieldsDto;
}

export class FilterDto {
  @IsOptional()
  @IsString()
  @MaxLength(100)
  id?: string;

  @IsOptional()
  @IsString()
  @MaxLength(200)
  name?: string;

  @IsOptional()
  @IsBoolean()
  enabled?: boolean;

  /** FQL; events that match get the effect. */
  @IsString()
  @IsNotEmpty()
  @MaxLength(10_000)
  condition!: string;

  @ValidateNested()
  @Type(() => FilterEffectDto)
  effect!: FilterEffectDto;
}

/** Per-destination delivery settings; each overrides the worker's default of the same name. */
export class DeliverySettingsDto {
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1000)
  concurrency?: number;

  /** 0 = unlimited. */
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(100_000)
  rateLimitPerSecond?: number;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1000)
  maxAttempts?: number;

  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(24 * 30)
  retryWindowHours?: number;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(86_400)
  retryAfterCapSeconds?: number;

  @IsOptional()
  @IsBoolean()
  retryV1NotFound?: boolean;

  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(7 * 24 * 60)
  v1NotFoundRetryMinutes?: number;

  @IsOptional()
  @IsBoolean()
  suppressDeletedUsers?: boolean;

  @IsOptional()
  @IsInt()
  @Min(100)
  @Max(120_000)
  timeoutMs?: number;
}

export class CreateDestinationDto extends RetentionOverridesDto {
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name!: string;

  @IsArray()
  @IsUUID('all', { each: true })
  sourceIds!: string[];

  /** Write-only: stored encrypted, never returned. */
  @IsString()
  @IsNotEmpty()
  @MaxLength(1000)
  apiKey!: string;

  @IsOptional()
  @IsIn(['us', 'eu'])
  region?: 'us' | 'eu' | null;

  @IsOptional()
  @IsUrl(URL_OPTIONS, { message: 'baseUrl must be an absolute http(s) URL' })
  @MaxLength(2000)
  baseUrl?: string | null;

  @IsOptional()
  @IsBoolean()
  enabled?: boolean;

  @IsOptional()
  @ValidateNested()
  @Type(() => PresetsDto)
  presets?: PresetsDto;

  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => CreateMappingDto)
  mappings?: CreateMappingDto[];

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_FILTERS)
  @ValidateNested({ each: true })
  @Type(() => FilterDto)
  filters?: FilterDto[];

  @IsOptional()
  @ValidateNested()
  @Type(() => DeliverySettingsDto)
  settings?: DeliverySettingsDto;
}

/** Every field optional; given fields replace the stored ones (mappings, if given, replace all). */
export class UpdateDestinationDto extends PartialType(CreateDestinationDto) {}

export class PreviewDto {
  /** A Segment event (normalised like the tracking API does before the preview runs). */
  @IsObject()
  event!: Record<string, unknown>;

  /**
   * Unsaved mappings to preview instead of the stored ones (the page's mapping editor): validated exactly as
   * saving them would be (50 at most, every mapping checked), so a draft that previews also saves.
   */
  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => CreateMappingDto)
  mappings?: CreateMappingDto[];
}
