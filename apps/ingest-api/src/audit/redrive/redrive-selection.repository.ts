import { Inject, Injectable } from '@nestjs/common';
import { Pool } from 'pg';
import { READ_POOL } from '../../core/database/read-pool.provider';
import { eventConditions } from '../common/event-filter';
import { SqlParams } from '../common/sql-params';

/** Which failed deliveries a redrive takes: by the events' time, type, name or user. */
export interface RedriveSelector {
  from?: string;
  to?: string;
  types?: string[];
  eventNames?: string[];
  userIds?: string[];
}

/** The failed deliveries the selector picks (`d`), with the events joined only when a condition needs them. */
function selection(destinationId: string, f: RedriveSelector, p: SqlParams) {
  const where = [`d.destination_id = ${p.add(destinationId)}::uuid`, `d.status = 'failed'`];
  // Never a delivery of an erased (suppressed) user's event. Checked per delivery (OFFSET 0 keeps it a subplan): as
  // an anti-join its estimate fell to one row when the events carry few distinct user ids, and each page then read
  // and sorted every failed delivery after the cursor (replay.store.ts, NOT_SUPPRESSED).
  where.push(
    `NOT EXISTS (SELECT 1 FROM events se JOIN suppressed_identities si ON si.identity_hash IN (se.user_id, se.anonymous_id)
                  WHERE se.id = d.event_id AND se.received_at = d.event_received_at OFFSET 0)`,
  );
  if (f.from !== undefined) where.push(`d.event_received_at >= ${p.add(f.from)}::timestamptz`);
  if (f.to !== undefined) where.push(`d.event_received_at < ${p.add(f.to)}::timestamptz`);
  const needsEvents = f.types !== undefined || f.eventNames !== undefined || f.userIds !== undefined;
  if (needsEvents) {
    // The same bounds on e.received_at too, so only the partitions in range are searched.
    where.push(
      ...eventConditions({ from: f.from, to: f.to, types: f.types, eventNames: f.eventNames, userIds: f.userIds }, p),
    );
  }
  const from = needsEvents
    ? 'deliveries d JOIN events e ON e.id = d.event_id AND e.received_at = d.event_received_at'
    : 'deliveries d';
  return { from, where: where.join(' AND ') };
}

/**
 * A redrive's reads (read pool): the failed deliveries it selects, counted for a dry run or walked in id pages. The
 * redrive writes nothing itself: the worker records the new episode (@fsd/delivery-data) when the job runs.
 */
@Injectable()
export class RedriveSelection {
  constructor(@Inject(READ_POOL) private readonly pool: Pool) {}

  async destinationExists(id: string): Promise<boolean> {
    const { rowCount } = await this.pool.query('SELECT 1 FROM destinations WHERE id = $1::uuid', [id]);
    return (rowCount ?? 0) > 0;
  }

  async count(destinationId: string, f: RedriveSelector): Promise<number> {
    const p = new SqlParams();
    const s = selection(destinationId, f, p);
    const { rows } = await this.pool.query<{ n: string }>(
      `SELECT count(*)::text AS n FROM ${s.from} WHERE ${s.where}`,
      p.values,
    );
    return Number(rows[0].n);
  }

  /** Up to `limit` selected deliveries above `after` by id, ascending: each one's id and logged_at (ISO 8601). */
  async keysAfter(
    destinationId: string,
    f: RedriveSelector,
    after: string,
    limit: number,
  ): Promise<{ id: string; loggedAt: string }[]> {
    const p = new SqlParams();
    const s = selection(destinationId, f, p);
    const { rows } = await this.pool.query<{ id: string; logged_at: Date }>(
      `SELECT d.id::text AS id, d.logged_at FROM ${s.from} WHERE ${s.where} AND d.id > ${p.add(after)}::bigint
        ORDER BY d.id LIMIT ${p.add(limit)}`,
      p.values,
    );
    return rows.map((r) => ({ id: r.id, loggedAt: r.logged_at.toISOString() }));
  }
}
