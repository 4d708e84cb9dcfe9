import { eventConditions } from '../common/event-filter';
import { SqlParams } from '../common/sql-params';
import { StoredReplayFilter } from './replay.dto';
import { ReplayMode } from './replay-mode';

// A replay's row and its selection as SQL conditions; the repositories (replays, replay-reads) run the statements.

export type ReplayStatus = 'running' | 'paused' | 'cancelled' | 'completed' | 'failed';

export interface ReplayRow {
  id: string;
  destination_id: string;
  filter: StoredReplayFilter;
  rate_per_second: number;
  mode: ReplayMode;
  status: ReplayStatus;
  matched: string | null;
  enqueued: string;
  delivered: string;
  failed: string;
  cursor: string | null;
  error: string | null;
  created_at: Date;
  updated_at: Date;
  finished_at: Date | null;
}

export const REPLAY_COLUMNS = `id::text AS id, destination_id::text AS destination_id, filter, rate_per_second, mode, status,
  matched::text AS matched, enqueued::text AS enqueued, delivered::text AS delivered, failed::text AS failed, cursor, error,
  created_at, updated_at, finished_at`;

/**
 * The replay's selection, as SQL conditions on events `e`. The dry run's COUNT, the real run's
 * `matched` and the walk itself all come from here, so they agree.
 */
export function replayConditions(destinationId: string, f: StoredReplayFilter, p: SqlParams): string[] {
  const where = eventConditions(
    {
      from: f.from,
      to: f.to,
      types: f.types,
      eventNames: f.eventNames,
      userIds: f.userIds,
      sourceIds: f.sourceIds,
      connectedTo: destinationId,
      replayDestinationId: destinationId,
      replayStatus: f.status,
    },
    p,
  );
  // Never the events of an erased (suppressed) user: their ids are now the keyed hashes the list holds.
  where.push(NOT_SUPPRESSED);
  return where;
}

/**
 * A filter evaluated per event (OFFSET 0 keeps it a subplan): as an anti-join, its estimate fell to one row whenever
 * the events carry few distinct user ids (at most the suppressed list's assumed 200), and a page then read and sorted
 * every event left after the cursor instead of walking the (received_at, id) order and stopping at its size, so a
 * replay cost grew with the square of its length (200,000 events of one user: 250 µs of Postgres per event in pages).
 */
export const NOT_SUPPRESSED = `NOT EXISTS (SELECT 1 FROM suppressed_identities si WHERE si.identity_hash IN (e.user_id, e.anonymous_id) OFFSET 0)`;

/**
 * The FROM and WHERE of a replay's deliveries (`d`), read in the partitions of its window alone: an event's delivery
 * is logged at the event's received_at, which the replay's filter bounds (joined by id alone, every delivery the
 * retention keeps was read, whatever the replay's size). SQL expressions of the replay's id and its window's ends.
 */
export function replayDeliveriesInWindow(replayId: string, from: string, to: string): string {
  return `replay_deliveries rd JOIN deliveries d ON d.id = rd.delivery_id
   WHERE rd.replay_id = ${replayId} AND d.logged_at >= ${from}::timestamptz AND d.logged_at < ${to}::timestamptz`;
}
