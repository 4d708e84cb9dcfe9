import { Type } from 'class-transformer';
import { EventSelectorDto } from '../common/event-selector.dto';
import {
  ArrayMaxSize,
  ArrayNotEmpty,
  IsArray,
  IsBoolean,
  IsDefined,
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsUUID,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { REPLAY_STATUSES, ReplayStatusFilter } from '../common/event-filter';
import { REPLAY_MODES, ReplayMode } from './replay-mode';

export const DEFAULT_REPLAY_RATE = 1000;
export const MAX_REPLAY_RATE = 100_000;

export class ReplayFilterDto extends EventSelectorDto {
  /** Inclusive lower bound on received_at; a replay is always bounded in time. */
  @IsISO8601({ strict: true })
  from!: string;

  /** Exclusive upper bound on received_at. */
  @IsISO8601({ strict: true })
  to!: string;

  /**
   * Only events from these sources. A replay always keeps to the sources connected to its destination;
   * each source named here must be one of them (else 400 source_not_connected).
   */
  @IsOptional()
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(100)
  @IsUUID(undefined, { each: true })
  sourceIds?: string[];

  /** The events' delivery status at the replay's destination; default any. */
  @IsOptional()
  @IsIn(REPLAY_STATUSES)
  status?: ReplayStatusFilter;
}

export class CreateReplayDto {
  @IsUUID()
  destinationId!: string;

  @IsDefined()
  @ValidateNested()
  @Type(() => ReplayFilterDto)
  filter!: ReplayFilterDto;

  /** Count and sample what would be replayed; nothing is written or sent. */
  @IsOptional()
  @IsBoolean()
  dryRun?: boolean;

  /** Jobs enqueued per second (token bucket); default 1000. */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_REPLAY_RATE)
  ratePerSecond?: number;

  /**
   * `batch`: through FullStory's batch import jobs (v1 subscriptions still go per event); `per-event`: one
   * request per event and subscription. Default: batch when all the destination's subscriptions are v2 actions.
   */
  @IsOptional()
  @IsIn(REPLAY_MODES)
  mode?: ReplayMode;
}

/** The filter as stored in replays.filter. */
export interface StoredReplayFilter {
  from: string;
  to: string;
  types?: string[];
  eventNames?: string[];
  userIds?: string[];
  sourceIds?: string[];
  status: ReplayStatusFilter;
}
