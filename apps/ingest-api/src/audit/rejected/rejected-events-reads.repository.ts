import { Inject, Injectable } from '@nestjs/common';
import { Pool } from 'pg';
import { READ_POOL } from '../../core/database/read-pool.provider';
import { badRequest } from '../../core/errors/app-error';
import { DEFAULT_PAGE, MAX_PAGE, checkRange } from '../query/audit.service';
import { decodeCursor, encodeCursor } from '../common/keyset-cursor';
import { redactSecrets } from '../common/redact-secrets';
import { SqlParams } from '../common/sql-params';

export interface RejectedEventsFilter {
  sourceId?: string;
  code?: string;
  messageId?: string;
  from?: string;
  to?: string;
  limit?: string;
  cursor?: string;
}

export interface RejectedEventView {
  id: string;
  receivedAt: string;
  sourceId: string | null;
  sourceName: string | null;
  batchIndex: number | null;
  messageId: string | null;
  code: string;
  message: string;
  /** The item as received, with any write key redacted. */
  item: unknown;
}

interface RejectedRow {
  id: string;
  cursor_at: string;
  received_at: Date;
  source_id: string | null;
  source_name: string | null;
  batch_index: number | null;
  message_id: string | null;
  code: string;
  message: string;
  payload: unknown;
}

function pageSize(limit: string | undefined): number {
  const n = limit === undefined ? DEFAULT_PAGE : Number(limit);
  if (!Number.isInteger(n) || n < 1 || n > MAX_PAGE) {
    throw badRequest('invalid_request', `limit must be an integer from 1 to ${MAX_PAGE}`);
  }
  return n;
}

/**
 * Rejected batch items newest first, keyset-paged on (received_at, id) like GET /admin/events, with the
 * source's name when it still exists. Items are redacted here, so neither the API nor the page can show
 * a write key a client put in a body.
 */
export async function listRejectedEvents(
  pool: Pool,
  q: RejectedEventsFilter,
): Promise<{ rejectedEvents: RejectedEventView[]; nextCursor: string | null }> {
  checkRange(q.from, q.to);
  const limit = pageSize(q.limit);
  const p = new SqlParams();
  const where: string[] = [];
  if (q.sourceId !== undefined) where.push(`r.source_id = ${p.add(q.sourceId)}::uuid`);
  if (q.code !== undefined) where.push(`r.code = ${p.add(q.code)}`);
  if (q.messageId !== undefined) where.push(`r.message_id = ${p.add(q.messageId)}`);
  if (q.from !== undefined) where.push(`r.received_at >= ${p.add(q.from)}::timestamptz`);
  if (q.to !== undefined) where.push(`r.received_at < ${p.add(q.to)}::timestamptz`);
  if (q.cursor !== undefined) {
    const pos = decodeCursor(q.cursor);
    where.push(`(r.received_at, r.id) < (${p.add(pos.receivedAt)}::timestamptz, ${p.add(pos.id)}::bigint)`);
  }
  const { rows } = await pool.query<RejectedRow>(
    `SELECT r.id::text AS id, r.received_at::text AS cursor_at, r.received_at, r.source_id::text AS source_id,
            s.name AS source_name, r.batch_index, r.message_id, r.code, r.message, r.payload
       FROM rejected_events r LEFT JOIN sources s ON s.id = r.source_id
      ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY r.received_at DESC, r.id DESC LIMIT ${p.add(limit + 1)}`,
    p.values,
  );
  const more = rows.length > limit;
  const page = more ? rows.slice(0, limit) : rows;
  const last = page[page.length - 1];
  return {
    rejectedEvents: page.map((r) => ({
      id: r.id,
      receivedAt: r.received_at.toISOString(),
      sourceId: r.source_id,
      sourceName: r.source_name,
      batchIndex: r.batch_index,
      messageId: r.message_id,
      code: r.code,
      message: r.message,
      item: redactSecrets(r.payload),
    })),
    nextCursor: more && last ? encodeCursor({ receivedAt: last.cursor_at, id: last.id }) : null,
  };
}

/** The rejected-events API's reads, on the read pool. */
@Injectable()
export class RejectedEventsReads {
  constructor(@Inject(READ_POOL) private readonly pool: Pool) {}

  list(filter: RejectedEventsFilter) {
    return listRejectedEvents(this.pool, filter);
  }
}
