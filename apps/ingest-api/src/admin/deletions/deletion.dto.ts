import { ArrayNotEmpty, IsArray, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';

export class CreateDeletionDto {
  /** The FullStory uid to delete; required (checked in the service for a single clear message). */
  @IsOptional()
  @IsString({ message: 'userId must be a string' })
  @MaxLength(1000)
  userId?: string;

  /** Defaults to every destination. */
  @IsOptional()
  @IsArray()
  @ArrayNotEmpty()
  @IsUUID('all', { each: true })
  destinationIds?: string[];
}
