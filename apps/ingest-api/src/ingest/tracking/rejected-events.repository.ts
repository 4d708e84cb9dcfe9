import { Inject, Injectable } from '@nestjs/common';
import { Pool } from 'pg';
import { isDatabaseUnreachableError, storableText, storableTextOrNull } from '@fsd/platform';
import { PG_POOL } from '../../core/database/pg-pool.provider';
import { storageUnavailable } from '../../core/errors/app-error';

export interface RejectedEventRow {
  batchIndex: number;
  messageId: string | null;
  code: string;
  message: string;
  /** The item as received (without its write key), stored exactly as json. */
  payload: unknown;
  userId: string | null;
  anonymousId: string | null;
}

/** The one writer of rejected_events' rows as they arrive (a deletion's erasure aside): hot-path pool. */
@Injectable()
export class RejectedEventsRepository {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  async insert(sourceId: string, receivedAt: Date, rows: RejectedEventRow[]): Promise<void> {
    try {
      await this.pool.query(
        `INSERT INTO rejected_events
           (source_id, received_at, batch_index, message_id, code, message, payload, user_id, anonymous_id)
         SELECT $1, $2, * FROM unnest($3::int[], $4::text[], $5::text[], $6::text[], $7::json[], $8::text[], $9::text[])`,
        [
          sourceId,
          receivedAt,
          rows.map((r) => r.batchIndex),
          // The text columns escape what Postgres text cannot hold; the json payload keeps the item exactly.
          rows.map((r) => storableTextOrNull(r.messageId)),
          rows.map((r) => r.code),
          rows.map((r) => storableText(r.message)),
          rows.map((r) => JSON.stringify(r.payload)),
          // The ids a deletion erases the item by (indexed columns: the json payload cannot be indexed safely).
          rows.map((r) => storableTextOrNull(r.userId)),
          rows.map((r) => storableTextOrNull(r.anonymousId)),
        ],
      );
    } catch (e) {
      if (isDatabaseUnreachableError(e)) throw storageUnavailable();
      throw e;
    }
  }
}
