import { IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { PagedWindowQueryDto } from '../../core/http/query-window.dto';

/** GET /admin/audit-log query string. */
export class AuditLogQueryDto extends PagedWindowQueryDto {
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

  /** The previous page's `next`. */
  @IsOptional()
  @Matches(/^\d{1,18}$/, { message: 'cursor must be the previous page\'s "next"' })
  cursor?: string;
}
