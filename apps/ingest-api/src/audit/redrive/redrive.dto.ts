import { Type } from 'class-transformer';
import { EventSelectorDto } from '../common/event-selector.dto';
import { IsBoolean, IsISO8601, IsOptional, IsUUID, ValidateNested } from 'class-validator';

export class RedriveFilterDto extends EventSelectorDto {
  /** Inclusive lower bound on the event's received_at. */
  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;

  /** Exclusive upper bound on the event's received_at. */
  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string;
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
