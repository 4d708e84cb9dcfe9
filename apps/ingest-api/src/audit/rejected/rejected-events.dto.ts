import { IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { CursorPagedQueryDto } from '../../core/http/query-window.dto';

/** GET /admin/rejected-events query string; unknown parameters are rejected. */
export class RejectedEventsQueryDto extends CursorPagedQueryDto {
  @IsOptional()
  @IsUUID()
  sourceId?: string;

  /** The reason code: invalid_message, payload_too_large, ... */
  @IsOptional()
  @IsString()
  @MaxLength(100)
  code?: string;

  @IsOptional()
  @IsString()
  @MaxLength(1000)
  messageId?: string;
}
