import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayNotEmpty,
  IsArray,
  IsBoolean,
  IsISO8601,
  IsOptional,
  IsString,
  IsUUID,
  MaxLength,
  ValidateNested,
} from 'class-validator';

export class RedriveFilterDto {
  /** Inclusive lower bound on the event's received_at. */
  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;

  /** Exclusive upper bound on the event's received_at. */
  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string;

  @IsOptional()
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @MaxLength(50, { each: true })
  types?: string[];

  @IsOptional()
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(1000)
  @IsString({ each: true })
  @MaxLength(1000, { each: true })
  eventNames?: string[];

  @IsOptional()
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(10_000)
  @IsString({ each: true })
  @MaxLength(1000, { each: true })
  userIds?: string[];
}

export class RedriveDto {
  @IsUUID()
  destinationId!: string;

  /** Which failed deliveries; absent = all of the destination's failed deliveries. */
  @IsOptional()
  @ValidateNested()
  @Type(() => RedriveFilterDto)
  filter?: RedriveFilterDto;

  @IsOptional()
  @IsBoolean()
  dryRun?: boolean;
}
