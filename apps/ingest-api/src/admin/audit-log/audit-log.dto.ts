import { IsISO8601, IsOptional, IsString, Matches, MaxLength } from 'class-validator';

/** GET /admin/audit-log query string. */
export class AuditLogQueryDto {
  /** e.g. destination.update, replay.create, token.revoke, dashboard.retry */
  @IsOptional()
  @IsString()
  @MaxLength(100)
  action?: string;

  /** A token id, or `bootstrap` for ADMIN_TOKEN. */
  @IsOptional()
  @IsString()
  @MaxLength(100)
  tokenId?: string;

  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;

  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string;

  @IsOptional()
  @Matches(/^\d{1,4}$/, { message: 'limit must be an integer from 1 to 500' })
  limit?: string;

  /** The previous page's `next`. */
  @IsOptional()
  @Matches(/^\d{1,18}$/, { message: 'cursor must be the previous page\'s "next"' })
  cursor?: string;
}
