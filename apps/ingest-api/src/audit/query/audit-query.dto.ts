import { IsIn, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { CursorPagedQueryDto, TimeWindowQueryDto } from '../../core/http/query-window.dto';
import { DELIVERY_STATUSES, DeliveryStatusFilter } from '../common/event-filter';

/** GET /admin/events query string; unknown parameters are rejected. */
export class EventsQueryDto extends CursorPagedQueryDto {
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  messageId?: string;

  @IsOptional()
  @IsString()
  @MaxLength(1000)
  userId?: string;

  @IsOptional()
  @IsString()
  @MaxLength(1000)
  anonymousId?: string;

  /** The call type: track, identify, page, screen, group, alias. */
  @IsOptional()
  @IsString()
  @MaxLength(50)
  type?: string;

  /** The track event name. */
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  event?: string;

  @IsOptional()
  @IsUUID()
  sourceId?: string;

  @IsOptional()
  @IsUUID()
  destinationId?: string;

  /** Delivery status (at `destinationId` when given, else at any destination). */
  @IsOptional()
  @IsIn(DELIVERY_STATUSES)
  status?: DeliveryStatusFilter;
}

/** GET /admin/export query string. */
export class ExportQueryDto extends TimeWindowQueryDto {
  @IsOptional()
  @IsIn(['ndjson', 'csv'])
  format?: 'ndjson' | 'csv';

  /** events (default: events, then deletions and the admin audit log in NDJSON) or deletions only. */
  @IsOptional()
  @IsIn(['events', 'deletions'])
  kind?: 'events' | 'deletions';

  @IsOptional()
  @IsUUID()
  sourceId?: string;

  @IsOptional()
  @IsUUID()
  destinationId?: string;
}
