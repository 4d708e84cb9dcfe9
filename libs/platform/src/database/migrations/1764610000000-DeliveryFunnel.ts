import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The delivery funnel per destination (GET /admin/destinations/:id/overview): counters per destination, hour of
 * the event's reception and stage, kept by the statements that create or move a delivery, so the overview reads
 * a few thousand counter rows instead of joining the log (a counter is the sum of its shards: each writing
 * connection adds to its own, so the ingest's group commits and the worker's records do not queue on one row). `deliveries.funnel_stage` is the stage a delivery is
 * counted in (NULL: not counted, the deletion deliveries), so a move can take it out of its old stage.
 * Existing event deliveries are counted once here, by status (their finer skip reasons are not recorded apart).
 */
export class DeliveryFunnel1764610000000 implements MigrationInterface {
  name = 'DeliveryFunnel1764610000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE IF NOT EXISTS delivery_funnel_hourly (
        destination_id uuid NOT NULL REFERENCES destinations(id) ON DELETE CASCADE,
        hour timestamptz NOT NULL,
        stage text NOT NULL,
        -- Writers spread over shards (by connection) so concurrent statements rarely wait on one hot row.
        shard smallint NOT NULL DEFAULT 0,
        count bigint NOT NULL DEFAULT 0,
        PRIMARY KEY (destination_id, hour, stage, shard)
      )`);
    await q.query(`ALTER TABLE deliveries ADD COLUMN IF NOT EXISTS funnel_stage text`);
    await q.query(`
      UPDATE deliveries SET funnel_stage = CASE status
          WHEN 'pending' THEN 'received'
          WHEN 'skipped' THEN CASE last_error WHEN 'integrations off' THEN 'blockedByIntegrations'
                                              WHEN 'filtered' THEN 'filtered'
                                              WHEN 'not subscribed' THEN 'noMatchingSubscription'
                                              ELSE 'skipped' END
          ELSE status END
       WHERE kind = 'event' AND event_received_at IS NOT NULL AND funnel_stage IS NULL`);
    await q.query(`
      INSERT INTO delivery_funnel_hourly (destination_id, hour, stage, count)
      SELECT destination_id, date_trunc('hour', event_received_at), funnel_stage, count(*)
        FROM deliveries WHERE funnel_stage IS NOT NULL
       GROUP BY 1, 2, 3
      ON CONFLICT (destination_id, hour, stage, shard) DO UPDATE SET count = EXCLUDED.count`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE deliveries DROP COLUMN IF EXISTS funnel_stage`);
    await q.query(`DROP TABLE IF EXISTS delivery_funnel_hourly`);
  }
}
