import { Inject, Injectable } from '@nestjs/common';
import { Pool } from 'pg';
import { attemptsFromLoggedTimes } from '@fsd/delivery-data';
import { READ_POOL } from '../../core/database/read-pool.provider';
import {
  ATTEMPT_COLUMNS,
  AttemptRow,
  DELIVERY_COLUMNS,
  DeliveryRow,
  EVENT_COLUMNS,
  EventRow,
  StateChangeRow,
} from './audit.views';
import { EventFilter, eventConditions, whereClause } from './event-filter';
import type { LogPosition } from './keyset-cursor';
import { SqlParams } from './sql-params';

/** An event as its deliveries are found by: its id and its received_at in full (cursor_at, microseconds kept). */
export type EventKey = Pick<EventRow, 'id' | 'cursor_at'>;

/**
 * The audit trail's reads (read pool: they never take the tracking hot path's connections): events keyset-paged on
 * (received_at, id) in either direction, one event whole, and the deliveries, attempts and state changes of a page.
 */
@Injectable()
export class AuditReads {
  constructor(@Inject(READ_POOL) private readonly pool: Pool) {}

  /** Up to `limit` events matching the filter, newest first, strictly before `before` when given (no payload). */
  async newestFirst(filter: EventFilter, before: LogPosition | undefined, limit: number): Promise<EventRow[]> {
    const p = new SqlParams();
    const where = eventConditions(filter, p);
    if (before !== undefined) {
      where.push(`(e.received_at, e.id) < (${p.add(before.receivedAt)}::timestamptz, ${p.add(before.id)}::bigint)`);
    }
    const { rows } = await this.pool.query<EventRow>(
      `SELECT ${EVENT_COLUMNS} FROM events e WHERE ${whereClause(where)}
        ORDER BY e.received_at DESC, e.id DESC LIMIT ${p.add(limit)}`,
      p.values,
    );
    return rows;
  }

  /** Up to `limit` events matching the filter, oldest first, strictly after `after` when given. */
  async oldestFirst(
    filter: EventFilter,
    after: LogPosition | undefined,
    limit: number,
    withPayload: boolean,
  ): Promise<EventRow[]> {
    const p = new SqlParams();
    const where = eventConditions(filter, p);
    if (after !== undefined) {
      where.push(`(e.received_at, e.id) > (${p.add(after.receivedAt)}::timestamptz, ${p.add(after.id)}::bigint)`);
    }
    const { rows } = await this.pool.query<EventRow>(
      `SELECT ${EVENT_COLUMNS}${withPayload ? ', e.payload' : ''} FROM events e WHERE ${whereClause(where)}
        ORDER BY e.received_at, e.id LIMIT ${p.add(limit)}`,
      p.values,
    );
    return rows;
  }

  /** One event with its payload and raw body, or null (`id` must be a bigint's digits). */
  async event(id: string): Promise<EventRow | null> {
    const { rows } = await this.pool.query<EventRow>(
      `SELECT ${EVENT_COLUMNS}, e.payload, e.raw FROM events e WHERE e.id = $1::bigint`,
      [id],
    );
    return rows[0] ?? null;
  }

  /**
   * The deliveries of these events, in id order (by the (event_id, …, logged_at) unique index). An event's
   * delivery is logged at the event's received_at, so only those partitions are probed: by event id alone, every
   * partition the retention keeps was, for each event of a page.
   */
  async deliveriesOf(events: EventKey[]): Promise<DeliveryRow[]> {
    if (events.length === 0) return [];
    const { rows } = await this.pool.query<DeliveryRow>(
      `SELECT ${DELIVERY_COLUMNS} FROM deliveries d
        WHERE d.event_id = ANY($1::bigint[]) AND d.logged_at = ANY($2::timestamptz[]) ORDER BY d.id`,
      [events.map((e) => e.id), receivedTimes(events)],
    );
    return rows;
  }

  /**
   * The attempts of these deliveries of the page's events, by delivery then attempt id. None started before its
   * delivery was logged (its event received, less the clocks' skew), so the partitions before the page's earliest
   * event are not probed (by delivery id alone, every partition the retention keeps was).
   */
  async attemptsOf(deliveryIds: string[], page: EventKey[]): Promise<AttemptRow[]> {
    if (deliveryIds.length === 0) return [];
    const { rows } = await this.pool.query<AttemptRow>(
      `SELECT ${ATTEMPT_COLUMNS} FROM delivery_attempts a
        WHERE a.delivery_id = ANY($1::bigint[]) AND a.started_at >= $2::timestamptz
        ORDER BY a.delivery_id, a.id`,
      [deliveryIds, attemptsFromLoggedTimes(receivedTimes(page))],
    );
    return rows;
  }

  /**
   * The status changes of these deliveries of the page's events, by delivery then change id: looked up in their
   * deliveries' partitions (a change is filed under its delivery's logged_at, its event's received_at).
   */
  async stateChangesOf(deliveryIds: string[], page: EventKey[]): Promise<StateChangeRow[]> {
    if (deliveryIds.length === 0) return [];
    const { rows } = await this.pool.query<StateChangeRow>(
      `SELECT s.id::text AS id, s.delivery_id::text AS delivery_id, s.from_status, s.to_status, s.reason, s.at
         FROM delivery_state_changes s
        WHERE s.delivery_id = ANY($1::bigint[]) AND s.delivery_logged_at = ANY($2::timestamptz[])
        ORDER BY s.delivery_id, s.id`,
      [deliveryIds, receivedTimes(page)],
    );
    return rows;
  }
}

/** The page's distinct received_at, in full (microseconds kept). */
function receivedTimes(page: EventKey[]): string[] {
  return [...new Set(page.map((e) => e.cursor_at))];
}
