import {
  ArrayMaxSize,
  ArrayNotEmpty,
  IsArray,
  IsIn,
  IsISO8601,
  IsOptional,
  IsString,
  IsUUID,
  MaxLength,
  MinLength,
} from 'class-validator';
import { ROLES, Role } from '../../auth/roles';

export class CreateTokenDto {
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name!: string;

  /** admin, operator, auditor or privacy. */
  @IsIn(ROLES)
  role!: Role;

  /** Only these sources (their events, replays and configuration); absent: not limited to sources. */
  @IsOptional()
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(100)
  @IsUUID('all', { each: true })
  sourceIds?: string[];

  /** Only these destinations; absent: not limited to destinations. */
  @IsOptional()
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(100)
  @IsUUID('all', { each: true })
  destinationIds?: string[];

  /** When the token stops working (ISO 8601, in the future); absent: until revoked. */
  @IsOptional()
  @IsISO8601({ strict: true })
  expiresAt?: string;
}
