import { IsIn, IsISO8601, IsOptional, IsString, IsUUID, Matches, MaxLength } from 'class-validator';
import { DELIVERY_STATUSES, DeliveryStatusFilter } from '../common/event-filter';

/** GET /admin/events query string; unknown parameters are rejected. */
export class EventsQueryDto {
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

  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;

  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string;

  @IsOptional()
  @Matches(/^\d{1,4}$/, { message: 'limit must be an integer from 1 to 500' })
  limit?: string;

  @IsOptional()
  @IsString()
  @MaxLength(200)
  cursor?: string;
}

/** GET /admin/export query string. */
export class ExportQueryDto {
  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;

  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string;

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
