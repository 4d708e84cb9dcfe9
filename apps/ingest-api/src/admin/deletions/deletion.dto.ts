import {
  ArrayMaxSize,
  ArrayNotEmpty,
  IsArray,
  IsOptional,
  IsString,
  IsUUID,
  MaxLength,
  MinLength,
} from 'class-validator';

/** At most this many users per request (their FullStory deletions and local erasure run as one job). */
export const MAX_DELETION_USERS = 1000;

export class CreateDeletionDto {
  /** The FullStory uid to delete; this or userIds is required (checked in the service for a single clear message). */
  @IsOptional()
  @IsString({ message: 'userId must be a string' })
  @MaxLength(1000)
  userId?: string;

  /** Several users at once. */
  @IsOptional()
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(MAX_DELETION_USERS)
  @IsString({ each: true, message: 'userIds must be strings' })
  @MinLength(1, { each: true })
  @MaxLength(1000, { each: true })
  userIds?: string[];

  /** Defaults to every destination. */
  @IsOptional()
  @IsArray()
  @ArrayNotEmpty()
  @IsUUID('all', { each: true })
  destinationIds?: string[];
}
