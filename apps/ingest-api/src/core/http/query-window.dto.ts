import { IsISO8601, IsOptional, IsString, Matches, MaxLength } from 'class-validator';

/**
 * The query-string fields the list and export endpoints share, validated in one place (class-validator reads a
 * parent class's rules too): a time window on received_at or created_at, then a page size, then a keyset cursor.
 */
export class TimeWindowQueryDto {
  /** Inclusive lower bound (ISO 8601). */
  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;

  /** Exclusive upper bound (ISO 8601). */
  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string;
}

export class PagedWindowQueryDto extends TimeWindowQueryDto {
  @IsOptional()
  @Matches(/^\d{1,4}$/, { message: 'limit must be an integer from 1 to 500' })
  limit?: string;
}

/** With the opaque cursor of the keyset-paged lists (the previous page's `nextCursor`). */
export class CursorPagedQueryDto extends PagedWindowQueryDto {
  @IsOptional()
  @IsString()
  @MaxLength(200)
  cursor?: string;
}
