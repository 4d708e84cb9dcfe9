import { MigrationInterface, QueryRunner } from 'typeorm';
import { ENSURE_AUDIT_PARTITIONS } from './1764700000000-Retention';

/**
 * Room on each page of `deliveries` for its rows' later versions. A delivery is written three times: inserted by
 * ingest, claimed by the worker (claimed_until, claim_token) and given its outcome (status, ...). Neither claim
 * column is indexed, so the claim can be a heap-only (HOT) update, adding no index entry, but only when the page
 * holds room for the new version; at the default fillfactor of 100 a freshly filled page has none, so every claim
 * added an entry to each of the row's indexes. At 50 a claimed row (a 36-character token more) did not always
 * fit; at 30 the claim and the outcome's version both fit beside the row, so the table ends barely larger than at
 * 100 (2,000 pages against 1,853 for 30,000 deliveries, measured) instead of growing onto new pages.
 */
export const DELIVERIES_FILLFACTOR = 30;

/** New partitions of `deliveries` (and any older one not yet set) take DELIVERIES_FILLFACTOR. */
const ENSURE_AUDIT_PARTITIONS_WITH_FILLFACTOR = `
  CREATE OR REPLACE FUNCTION ensure_audit_partitions(days_ahead integer) RETURNS integer LANGUAGE plpgsql AS $$
  DECLARE
    today date := (now() AT TIME ZONE 'UTC')::date;
    created integer := 0;
    t text;
    part regclass;
  BEGIN
    FOREACH t IN ARRAY ARRAY['deliveries', 'delivery_attempts', 'delivery_state_changes'] LOOP
      created := created + ensure_time_partitions(t, today - 1, today + days_ahead);
    END LOOP;
    -- Storage parameters cannot be set on a partitioned table, only on its partitions. Setting one takes a lock
    -- that does not block reads or writes, and changes only pages filled from then on.
    FOR part IN
      SELECT c.oid::regclass FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
       WHERE i.inhparent = 'deliveries'::regclass
         AND NOT COALESCE(c.reloptions @> ARRAY['fillfactor=${DELIVERIES_FILLFACTOR}'], false)
    LOOP
      EXECUTE format('ALTER TABLE %s SET (fillfactor = ${DELIVERIES_FILLFACTOR})', part);
    END LOOP;
    RETURN created + ensure_week_partitions('event_dedup', today - 1, today + days_ahead);
  END $$`;

/**
 * Issue 18 (delivery throughput): fewer index entries per delivery. Measured on 30,000 deliveries inserted, claimed
 * and given their outcome in groups of 100 (write-ahead log bytes per delivery, from pg_current_wal_lsn): 2,073
 * before, 1,108 after (insert 606 → 513, the two updates 1,467 → 595; every claim HOT).
 *
 * 1. `deliveries_destination_status_idx (destination_id, status, id)` held every delivery, so every insert and
 *    every update that was not HOT added to it, for one reader: a redrive's walk of a destination's failed
 *    deliveries by id. A partial index on failed deliveries serves that walk and holds only them; the other
 *    readers by destination and status use `deliveries_destination_status_received_idx`.
 * 2. DELIVERIES_FILLFACTOR on every partition of `deliveries` (existing ones: for the pages filled from now on).
 *
 * No row changes. The index is built while the table is locked against writes (as every index migration here):
 * on a large log, run it in a quiet moment.
 */
export class DeliveryUpdateLayout1764900000000 implements MigrationInterface {
  name = 'DeliveryUpdateLayout1764900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE INDEX IF NOT EXISTS deliveries_failed_destination_idx ON deliveries (destination_id, id)
        WHERE status = 'failed'`,
    );
    await q.query(`DROP INDEX IF EXISTS deliveries_destination_status_idx`);
    await q.query(ENSURE_AUDIT_PARTITIONS_WITH_FILLFACTOR);
    await q.query(`SELECT ensure_audit_partitions(0)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(ENSURE_AUDIT_PARTITIONS);
    await q.query(`
      DO $$ DECLARE part regclass; BEGIN
        FOR part IN SELECT inhrelid::regclass FROM pg_inherits WHERE inhparent = 'deliveries'::regclass LOOP
          EXECUTE format('ALTER TABLE %s RESET (fillfactor)', part);
        END LOOP;
      END $$`);
    await q.query(
      `CREATE INDEX IF NOT EXISTS deliveries_destination_status_idx ON deliveries (destination_id, status, id)`,
    );
    await q.query(`DROP INDEX IF EXISTS deliveries_failed_destination_idx`);
  }
}
