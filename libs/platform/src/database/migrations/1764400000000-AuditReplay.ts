import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Audit queries, replays from the event log and bulk redrive.
 *
 * Indexes, and the query each one serves (the audit API pages newest first with a keyset on
 * (received_at, id), always bounded by a time range when given, so each index ends in
 * (received_at, id) to deliver rows already in page order, per daily partition):
 *   - events (type, received_at, id)          GET /admin/events?type=, replay filter `types`
 *   - events (event_name, received_at, id)    GET /admin/events?event=, replay filter `eventNames`
 *   - events (source_id, received_at, id)     GET /admin/events?sourceId=
 *   (already there: events (received_at, id) for time-range walks and export, events (message_id),
 *   events (user_id, received_at), events (anonymous_id, received_at).)
 *   - deliveries (destination_id, status, event_received_at)
 *                                             ?destinationId=&status=, redrive of one destination's
 *                                             failed deliveries within a time range
 *   - deliveries (event_received_at) WHERE status = 'failed'
 *                                             ?status=failed without a destination; small (failures are rare)
 *   (deliveries by event: the existing UNIQUE (event_id, destination_id) index leads with event_id,
 *   so no separate deliveries (event_id) index is needed; attempts and state changes by delivery:
 *   the existing (delivery_id, id) indexes.)
 *
 * On a large existing log these CREATE INDEX statements lock writes to the table while they build
 * (an index on a partitioned table cannot be built CONCURRENTLY in one step); on such an install,
 * build them per partition beforehand with CREATE INDEX CONCURRENTLY and attach them.
 *
 * replays: one row per replay of the event log to a destination; the runner persists its keyset
 * cursor and counters after each page so it resumes after a restart. lease_owner/lease_until make
 * sure only one ingest-api instance runs a replay at a time.
 * replay_deliveries: which deliveries a replay queued, so its progress (delivered / failed) is
 * counted from the deliveries' statuses.
 */
export class AuditReplay1764400000000 implements MigrationInterface {
  name = 'AuditReplay1764400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX events_type_idx ON events (type, received_at, id)`);
    await q.query(
      `CREATE INDEX events_event_name_idx ON events (event_name, received_at, id) WHERE event_name IS NOT NULL`,
    );
    await q.query(`CREATE INDEX events_source_idx ON events (source_id, received_at, id)`);
    await q.query(
      `CREATE INDEX deliveries_destination_status_received_idx ON deliveries (destination_id, status, event_received_at)`,
    );
    await q.query(
      `CREATE INDEX deliveries_failed_received_idx ON deliveries (event_received_at) WHERE status = 'failed'`,
    );

    await q.query(`
      CREATE TABLE replays (
        id bigserial PRIMARY KEY,
        destination_id uuid NOT NULL REFERENCES destinations(id) ON DELETE CASCADE,
        filter jsonb NOT NULL,
        rate_per_second integer NOT NULL,
        status text NOT NULL DEFAULT 'running'
          CHECK (status IN ('running', 'paused', 'cancelled', 'completed', 'failed')),
        matched bigint,
        enqueued bigint NOT NULL DEFAULT 0,
        delivered bigint NOT NULL DEFAULT 0,
        failed bigint NOT NULL DEFAULT 0,
        cursor text,
        error text,
        lease_owner text,
        lease_until timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        finished_at timestamptz
      )`);
    await q.query(`CREATE INDEX replays_running_idx ON replays (id) WHERE status = 'running'`);
    await q.query(`CREATE INDEX replays_destination_idx ON replays (destination_id, id)`);
    await q.query(`
      CREATE TABLE replay_deliveries (
        replay_id bigint NOT NULL REFERENCES replays(id) ON DELETE CASCADE,
        delivery_id bigint NOT NULL REFERENCES deliveries(id) ON DELETE CASCADE,
        PRIMARY KEY (replay_id, delivery_id)
      )`);
    await q.query(`CREATE INDEX replay_deliveries_delivery_idx ON replay_deliveries (delivery_id, replay_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS replay_deliveries`);
    await q.query(`DROP TABLE IF EXISTS replays`);
    for (const i of [
      'events_type_idx',
      'events_event_name_idx',
      'events_source_idx',
      'deliveries_destination_status_received_idx',
      'deliveries_failed_received_idx',
    ]) {
      await q.query(`DROP INDEX IF EXISTS ${i}`);
    }
  }
}
