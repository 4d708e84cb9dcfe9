import { Inject, Injectable } from '@nestjs/common';
import { Pool } from 'pg';
import { READ_POOL } from '../../core/database/read-pool.provider';

export interface SampleEvent {
  id: string;
  receivedAt: string;
  type: string;
  eventName: string | null;
  messageId: string;
  userId: string | null;
  payload: unknown;
}

/** How many logged events the mapping editor offers as samples. */
export const SAMPLE_EVENT_LIMIT = 20;

/**
 * Logged events to try a mapping on: the newest, or those whose messageId, userId or anonymousId is `q`. The
 * payload is the event as stored (write keys never reach it), the one the worker maps.
 */
async function sampleEvents(pool: Pool, q: string | null): Promise<SampleEvent[]> {
  const where = q === null ? '' : 'WHERE message_id = $2 OR user_id = $2 OR anonymous_id = $2';
  const { rows } = await pool.query<SampleEvent>(
    `SELECT id::text, received_at AS "receivedAt", type, event_name AS "eventName", message_id AS "messageId",
            user_id AS "userId", payload
       FROM events ${where} ORDER BY received_at DESC, id DESC LIMIT $1`,
    q === null ? [SAMPLE_EVENT_LIMIT] : [SAMPLE_EVENT_LIMIT, q],
  );
  return rows;
}

/** Which destinations are paused (the admin API's destination view does not carry it). */
async function pausedDestinations(pool: Pool): Promise<Set<string>> {
  const { rows } = await pool.query<{ id: string }>('SELECT id::text FROM destinations WHERE paused');
  return new Set(rows.map((r) => r.id));
}

/** The configuration pages' own reads (read pool): sample events for the mapping editor, paused flags. */
@Injectable()
export class ConfigQueries {
  constructor(@Inject(READ_POOL) private readonly pool: Pool) {}

  sampleEvents(q: string | null): Promise<SampleEvent[]> {
    return sampleEvents(this.pool, q);
  }

  pausedDestinations(): Promise<Set<string>> {
    return pausedDestinations(this.pool);
  }
}
