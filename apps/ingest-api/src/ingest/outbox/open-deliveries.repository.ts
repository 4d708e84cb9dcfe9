import { Inject, Injectable } from '@nestjs/common';
import { Pool } from 'pg';
import { inTransaction } from '@fsd/platform';
import { PG_POOL } from '../../core/database/pg-pool.provider';

export interface OpenDelivery {
  id: string;
  /** Its logged_at (ISO 8601), which its job names. */
  logged_at: string;
  destination_id: string;
  /** The replay (not cancelled) that last put the delivery back to pending: its job `d<id>-r<replayId>` serves it. */
  replay_id: string | null;
  /**
   * The job whose backoff holds the delivery's retry timer (`deliveries.retry_job`), when it is retrying: a redrive
   * or replay job that failed takes the timer over from `d<id>`, which then ends and leaves Redis.
   */
  retry_job: string | null;
  /** Its attempt count as read (a replay's job made for it leaves it alone if it has more by then). */
  attempts: number;
}

/** A page of the outbox relay's walk: the open deliveries to check, and where the next page starts. */
export interface OpenDeliveriesPage {
  deliveries: OpenDelivery[];
  /** The last open delivery the page read (a batch replay's too), or null when the walk reached the end. */
  next: string | null;
}

/** The outbox relay's read: open deliveries past their grace period, walked by id. Hot-path pool, reads only. */
@Injectable()
export class OpenDeliveriesRepository {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  /**
   * The `limit` open deliveries after `after` (by id) not updated for `graceMs`, less those of batch replays.
   * The page is cut before the replay lookup: cut after it, every call looked up and sorted every open delivery
   * (a replay's 100,000) to return 200. The page walks the open deliveries' id index in order and stops at
   * `limit`: without statistics on a fast-filling partition the planner estimates a few open rows and gathers
   * all of them with a bitmap scan, or appends the partitions' walks, to sort them instead (a replay's 200,000,
   * 50–100+ ms per page), so bitmap scans and sorts are off for this one read (the partitions' walks are merged).
   * A prepared statement with its generic plan: the read has no partition key to prune by, so planning it anew
   * bought nothing and cost most of its time (99 daily partitions: 92–145 ms to plan a page, 5–6 ms to run it;
   * with the generic plan ~105 ms once per connection, then 2–3 ms per page).
   */
  async after(after: string, graceMs: number, limit: number): Promise<OpenDeliveriesPage> {
    const { rows } = await inTransaction(
      this.pool,
      'BEGIN READ ONLY; SET LOCAL enable_bitmapscan = off; SET LOCAL enable_sort = off; ' +
        'SET LOCAL plan_cache_mode = force_generic_plan',
      (client) =>
        client.query<Omit<OpenDelivery, 'logged_at'> & { logged_at: Date; mode: string | null }>({
          name: 'outbox-relay-page',
          text: `WITH page AS (
           SELECT d.id, d.logged_at, d.destination_id, d.retry_job, d.attempts FROM deliveries d
            WHERE d.status IN ('pending', 'retrying') AND d.updated_at < now() - make_interval(secs => $1::float / 1000)
              AND d.id > $2::bigint
            ORDER BY d.id LIMIT $3
         )
         SELECT p.id::text, p.logged_at, p.destination_id::text, r.replay_id::text, p.retry_job, p.attempts, r.mode
           FROM page p
           LEFT JOIN LATERAL (
             SELECT rd.replay_id, rp.mode FROM replay_deliveries rd JOIN replays rp ON rp.id = rd.replay_id
              WHERE rd.delivery_id = p.id AND rp.status <> 'cancelled' ORDER BY rd.replay_id DESC LIMIT 1
           ) r ON true
          ORDER BY p.id`,
          values: [graceMs, after, limit],
        }),
    );
    return {
      // A batch-mode replay's deliveries travel in its slice jobs (batch-replay queue), not as delivery jobs.
      deliveries: rows
        .filter((r) => r.mode !== 'batch')
        .map((r) => ({
          id: r.id,
          logged_at: r.logged_at.toISOString(),
          destination_id: r.destination_id,
          replay_id: r.replay_id,
          retry_job: r.retry_job,
          attempts: r.attempts,
        })),
      next: rows.length < limit ? null : rows[rows.length - 1].id,
    };
  }
}
