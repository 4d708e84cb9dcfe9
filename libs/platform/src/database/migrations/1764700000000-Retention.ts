import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Retention that keeps storage flat (issue 15): the audit tables and the dedup keys become range-partitioned by
 * day, like the event log, so the retention job drops whole partitions instead of deleting rows.
 *
 * Partition keys (a unique index on a partitioned table must hold the key):
 *   - deliveries: logged_at, the reception of its event (a deletion delivery: its creation). It equals
 *     event_received_at for every event delivery, so UNIQUE (event_id, destination_id, logged_at) keeps one
 *     delivery per event and destination, and the replay upsert names it as its conflict target.
 *   - delivery_state_changes: delivery_logged_at, its delivery's logged_at (filled by the statements that write
 *     them, all in libs/delivery-data), so they drop with their delivery.
 *   - delivery_attempts: started_at, at or after its delivery's logged_at, so attempts drop with or after their
 *     delivery, never before (the worker gives each attempt its time, which a simulated clock drives).
 *   The foreign keys of attempts and state changes to deliveries go (one cannot reference a partitioned table by id alone, and a key per drop would make every
 *     partition drop check the other table): libs/delivery-data is their one writer and writes both together.
 *     replay_deliveries loses its foreign key for the same reason.
 *   - event_dedup: received_at, the first sight of the key, by week (see ensure_week_partitions). The index (source_id, message_id, received_at) no
 *     longer refuses a key seen on another day: claim_dedup_keys does, under a lock per key (see there).
 *
 * Existing data is kept without copying: each table becomes the first partition (`<table>_legacy`, from MINVALUE
 * to the day after its newest row, tomorrow at the earliest) of a new partitioned table of the same name, and is
 * dropped whole once all of it is past retention. Filling deliveries.logged_at rewrites that table once.
 * sources and destinations get nullable retention overrides (NULL: the global setting).
 */
/** Days of audit and dedup partitions made ahead by the migration and at every start (the maintenance: 7). */
export const AUDIT_PARTITIONS_AHEAD_AT_START = 2;

const PARTITIONED: Array<{ table: string; key: string; unique: string[][] }> = [
  { table: 'deliveries', key: 'logged_at', unique: [['id'], ['event_id', 'destination_id']] },
  { table: 'delivery_attempts', key: 'started_at', unique: [['id']] },
  { table: 'delivery_state_changes', key: 'delivery_logged_at', unique: [['id']] },
  { table: 'event_dedup', key: 'received_at', unique: [['source_id', 'message_id']] },
];

export class Retention1764700000000 implements MigrationInterface {
  name = 'Retention1764700000000';

  async up(q: QueryRunner): Promise<void> {
    for (const t of ['sources', 'destinations']) {
      await q.query(
        `ALTER TABLE ${t}
           ADD COLUMN IF NOT EXISTS event_retention_days integer CHECK (event_retention_days BETWEEN 1 AND 3650),
           ADD COLUMN IF NOT EXISTS audit_retention_days integer CHECK (audit_retention_days BETWEEN 1 AND 3650)`,
      );
    }
    for (const fk of [
      'delivery_state_changes_delivery_id_fkey ON delivery_state_changes',
      'delivery_attempts_delivery_id_fkey ON delivery_attempts',
      'replay_deliveries_delivery_id_fkey ON replay_deliveries',
    ]) {
      const [name, , table] = fk.split(' ');
      await q.query(`ALTER TABLE ${table} DROP CONSTRAINT IF EXISTS ${name}`);
    }
    await q.query(`ALTER TABLE deliveries ADD COLUMN logged_at timestamptz`);
    await q.query(`UPDATE deliveries SET logged_at = COALESCE(event_received_at, created_at)`);
    await q.query(
      `ALTER TABLE deliveries ALTER COLUMN logged_at SET DEFAULT now(), ALTER COLUMN logged_at SET NOT NULL`,
    );
    await q.query(`ALTER TABLE delivery_state_changes ADD COLUMN delivery_logged_at timestamptz`);
    // The append-only guard is dropped with the plain table just below (and recreated on the partitioned one).
    await q.query(`ALTER TABLE delivery_state_changes DISABLE TRIGGER USER`);
    await q.query(
      `UPDATE delivery_state_changes c
          SET delivery_logged_at = COALESCE((SELECT d.logged_at FROM deliveries d WHERE d.id = c.delivery_id), c.at)`,
    );
    await q.query(
      `ALTER TABLE delivery_state_changes ALTER COLUMN delivery_logged_at SET DEFAULT now(),
         ALTER COLUMN delivery_logged_at SET NOT NULL`,
    );
    for (const p of PARTITIONED) await partitionInPlace(q, p.table, p.key, p.unique);

    await q.query(ENSURE_TIME_PARTITIONS);
    await q.query(ENSURE_WEEK_PARTITIONS);
    await q.query(ENSURE_AUDIT_PARTITIONS);
    await q.query(DROP_TIME_PARTITION);
    await q.query(`SELECT ensure_audit_partitions(${AUDIT_PARTITIONS_AHEAD_AT_START})`);
    await q.query(CLAIM_DEDUP_KEYS);
    await q.query(JIT_OFF);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION IF EXISTS claim_dedup_keys(json)`);
    await q.query(`DO $$ BEGIN EXECUTE format('ALTER DATABASE %I RESET jit', current_database()); END $$`);
    await q.query(`DROP FUNCTION IF EXISTS drop_time_partition(text, text)`);
    for (const p of [...PARTITIONED].reverse()) await unpartition(q, p.table, p.unique);
    await q.query(`ALTER TABLE deliveries DROP COLUMN logged_at`);
    await q.query(`ALTER TABLE delivery_state_changes DROP COLUMN delivery_logged_at`);
    for (const [table, col] of [
      ['delivery_state_changes', 'delivery_id'],
      ['delivery_attempts', 'delivery_id'],
      ['replay_deliveries', 'delivery_id'],
    ]) {
      await q.query(`DELETE FROM ${table} t WHERE NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.id = t.${col})`);
      await q.query(
        `ALTER TABLE ${table} ADD CONSTRAINT ${table}_delivery_id_fkey FOREIGN KEY (${col})
           REFERENCES deliveries(id) ON DELETE CASCADE`,
      );
    }
    await q.query(`DROP FUNCTION IF EXISTS ensure_audit_partitions(integer)`);
    await q.query(`DROP FUNCTION IF EXISTS ensure_time_partitions(text, date, date)`);
    await q.query(`DROP FUNCTION IF EXISTS ensure_week_partitions(text, date, date)`);
    for (const t of ['sources', 'destinations']) {
      await q.query(`ALTER TABLE ${t} DROP COLUMN event_retention_days, DROP COLUMN audit_retention_days`);
    }
  }
}

interface TableShape {
  indexes: string[];
  triggers: string[];
  foreignKeys: Array<{ name: string; def: string }>;
}

/** What a table carries besides its columns, as statements that recreate it on a table of the same name. */
async function shapeOf(q: QueryRunner, table: string): Promise<TableShape> {
  const indexes = (await q.query(
    `SELECT pg_get_indexdef(i.indexrelid) AS def FROM pg_index i
      WHERE i.indrelid = $1::regclass AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)`,
    [table],
  )) as Array<{ def: string }>;
  const triggers = (await q.query(
    `SELECT pg_get_triggerdef(oid) AS def FROM pg_trigger WHERE tgrelid = $1::regclass AND NOT tgisinternal`,
    [table],
  )) as Array<{ def: string }>;
  const foreignKeys = (await q.query(
    `SELECT conname AS name, pg_get_constraintdef(oid) AS def FROM pg_constraint
      WHERE conrelid = $1::regclass AND contype = 'f'`,
    [table],
  )) as Array<{ name: string; def: string }>;
  return { indexes: indexes.map((r) => r.def), triggers: triggers.map((r) => r.def), foreignKeys };
}

async function stripShape(q: QueryRunner, table: string, shape: TableShape): Promise<void> {
  for (const fk of shape.foreignKeys) await q.query(`ALTER TABLE ${table} DROP CONSTRAINT ${fk.name}`);
  const names = (await q.query(
    `SELECT tgname AS name FROM pg_trigger WHERE tgrelid = $1::regclass AND NOT tgisinternal`,
    [table],
  )) as Array<{ name: string }>;
  for (const t of names) await q.query(`DROP TRIGGER ${t.name} ON ${table}`);
  const keys = (await q.query(
    `SELECT conname AS name FROM pg_constraint WHERE conrelid = $1::regclass AND contype IN ('p', 'u')`,
    [table],
  )) as Array<{ name: string }>;
  for (const k of keys) await q.query(`ALTER TABLE ${table} DROP CONSTRAINT ${k.name}`);
  const idx = (await q.query(
    `SELECT c.relname AS name FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = $1::regclass`,
    [table],
  )) as Array<{ name: string }>;
  // Index names are unique per schema: the new table's indexes take the original names.
  for (const i of idx) await q.query(`ALTER INDEX ${i.name} RENAME TO ${i.name}_legacy`);
}

async function applyShape(q: QueryRunner, table: string, shape: TableShape): Promise<void> {
  for (const def of shape.indexes) await q.query(def);
  for (const fk of shape.foreignKeys) await q.query(`ALTER TABLE ${table} ADD CONSTRAINT ${fk.name} ${fk.def}`);
  for (const def of shape.triggers) await q.query(def);
}

/** The sequences owned by a table's columns (bigserial ids) follow the table that keeps the name. */
async function moveOwnedSequences(q: QueryRunner, from: string, to: string): Promise<void> {
  const owned = (await q.query(
    `SELECT s.relname AS seq, a.attname AS col FROM pg_depend d
       JOIN pg_class s ON s.oid = d.objid AND s.relkind = 'S'
       JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
      WHERE d.refobjid = $1::regclass AND d.deptype = 'a'`,
    [from],
  )) as Array<{ seq: string; col: string }>;
  for (const o of owned) await q.query(`ALTER SEQUENCE ${o.seq} OWNED BY ${to}.${o.col}`);
}

async function partitionInPlace(q: QueryRunner, table: string, key: string, unique: string[][]): Promise<void> {
  const legacy = `${table}_legacy`;
  const shape = await shapeOf(q, table);
  await stripShape(q, table, shape);
  await q.query(`ALTER TABLE ${table} RENAME TO ${legacy}`);
  await q.query(
    `CREATE TABLE ${table} (LIKE ${legacy} INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING STORAGE)
       PARTITION BY RANGE (${key})`,
  );
  await moveOwnedSequences(q, legacy, table);
  const [pk, ...others] = unique;
  await q.query(`ALTER TABLE ${table} ADD PRIMARY KEY (${[...pk, key].join(', ')})`);
  for (const u of others) await q.query(`ALTER TABLE ${table} ADD UNIQUE (${[...u, key].join(', ')})`);
  await applyShape(q, table, shape);
  const [{ bound }] = (await q.query(
    `SELECT (GREATEST(date_trunc('day', now() AT TIME ZONE 'UTC'),
                      date_trunc('day', max(${key}) AT TIME ZONE 'UTC')) + interval '1 day') AT TIME ZONE 'UTC' AS bound
       FROM ${legacy}`,
  )) as Array<{ bound: Date }>;
  await q.query(
    `ALTER TABLE ${table} ATTACH PARTITION ${legacy} FOR VALUES FROM (MINVALUE) TO ('${bound.toISOString()}')`,
  );
}

/** down: back to one plain table (rows copied; partitions dropped). */
async function unpartition(q: QueryRunner, table: string, unique: string[][]): Promise<void> {
  const shape = await shapeOf(q, table);
  const plain = `${table}_plain`;
  await q.query(`CREATE TABLE ${plain} (LIKE ${table} INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING STORAGE)`);
  await q.query(`INSERT INTO ${plain} SELECT * FROM ${table}`);
  await moveOwnedSequences(q, table, plain);
  await q.query(`DROP TABLE ${table} CASCADE`);
  await q.query(`ALTER TABLE ${plain} RENAME TO ${table}`);
  const [pk, ...others] = unique;
  await q.query(`ALTER TABLE ${table} ADD PRIMARY KEY (${pk.join(', ')})`);
  for (const u of others) await q.query(`ALTER TABLE ${table} ADD UNIQUE (${u.join(', ')})`);
  await applyShape(q, table, shape);
}

/** A partition `<parent>_pYYYYMMDD` per UTC day from `first` to `last`; a day an older partition covers is skipped. */
const ENSURE_TIME_PARTITIONS = `
  CREATE OR REPLACE FUNCTION ensure_time_partitions(parent text, first date, last date) RETURNS integer
  LANGUAGE plpgsql AS $$
  DECLARE
    d date := first;
    created integer := 0;
    part text;
  BEGIN
    WHILE d <= last LOOP
      part := parent || '_p' || to_char(d, 'YYYYMMDD');
      IF to_regclass(part) IS NULL THEN
        BEGIN
          EXECUTE format('CREATE TABLE %I PARTITION OF %I FOR VALUES FROM (%L) TO (%L)',
            part, parent, (d::timestamp AT TIME ZONE 'UTC'), ((d + 1)::timestamp AT TIME ZONE 'UTC'));
          -- Known empty: else the planner assumes 10 pages per partition never analyzed, and a statement over
          -- dozens of them looks costly enough to be JIT-compiled (seconds, for a one-row write).
          EXECUTE format('ANALYZE %I', part);
          created := created + 1;
        EXCEPTION WHEN invalid_object_definition OR duplicate_table THEN
          NULL; -- overlaps the legacy partition (rows from before partitioning), or another instance made it
        END;
      END IF;
      d := d + 1;
    END LOOP;
    RETURN created;
  END $$`;

/**
 * A partition `<parent>_wYYYYMMDD` per ISO week (Monday, UTC) touching `first`..`last`. The dedup keys use weeks:
 * a new key is looked up in every kept partition, so 5 weekly ones cost a seventh of 31 daily ones (kept keys:
 * the window plus up to a week). A week whose first days an older partition (the legacy one) covers starts
 * where that one ends.
 */
const ENSURE_WEEK_PARTITIONS = `
  CREATE OR REPLACE FUNCTION ensure_week_partitions(parent text, first date, last date) RETURNS integer
  LANGUAGE plpgsql AS $$
  DECLARE
    w date := date_trunc('week', first)::date;
    created integer := 0;
    part text;
    lo timestamptz;
    hi timestamptz;
  BEGIN
    WHILE w <= last LOOP
      part := parent || '_w' || to_char(w, 'YYYYMMDD');
      hi := (w + 7)::timestamp AT TIME ZONE 'UTC';
      IF to_regclass(part) IS NULL THEN
        SELECT max(substring(pg_get_expr(c.relpartbound, c.oid) FROM 'TO \\(''([^'']+)''\\)')::timestamptz) INTO lo
          FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
         WHERE i.inhparent = parent::regclass
           AND substring(pg_get_expr(c.relpartbound, c.oid) FROM 'TO \\(''([^'']+)''\\)')::timestamptz <= hi;
        lo := greatest(w::timestamp AT TIME ZONE 'UTC', COALESCE(lo, '-infinity'));
        IF lo < hi THEN
          BEGIN
            EXECUTE format('CREATE TABLE %I PARTITION OF %I FOR VALUES FROM (%L) TO (%L)', part, parent, lo, hi);
            EXECUTE format('ANALYZE %I', part);
            created := created + 1;
          EXCEPTION WHEN invalid_object_definition OR duplicate_table THEN
            NULL; -- overlaps a partition created otherwise, or another instance made it
          END;
        END IF;
      END IF;
      w := w + 7;
    END LOOP;
    RETURN created;
  END $$`;

/**
 * The partitions ahead of the tables this migration partitions (ensure_event_partitions keeps the event log's).
 * Apart from it because a new database needs only today's: the hourly maintenance (and its run at start) keeps
 * a week ahead, and creating 30 more partitions made every fresh database (one per spec) a second slower.
 */
export const ENSURE_AUDIT_PARTITIONS = `
  CREATE OR REPLACE FUNCTION ensure_audit_partitions(days_ahead integer) RETURNS integer LANGUAGE plpgsql AS $$
  DECLARE
    today date := (now() AT TIME ZONE 'UTC')::date;
    created integer := 0;
    t text;
  BEGIN
    FOREACH t IN ARRAY ARRAY['deliveries', 'delivery_attempts', 'delivery_state_changes'] LOOP
      created := created + ensure_time_partitions(t, today - 1, today + days_ahead);
    END LOOP;
    RETURN created + ensure_week_partitions('event_dedup', today - 1, today + days_ahead);
  END $$`;

/**
 * The retention job's drop of one partition of `parent`: waits at most 5 s for the parent's lock (a long query
 * reading the table holds it), else fails and the next run tries again, so ingest never queues behind it for long.
 */
const DROP_TIME_PARTITION = `
  CREATE OR REPLACE FUNCTION drop_time_partition(parent text, part text) RETURNS void LANGUAGE plpgsql AS $$
  BEGIN
    IF to_regclass(part) IS NULL THEN
      RETURN; -- another instance's run dropped it
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_inherits WHERE inhparent = parent::regclass AND inhrelid = to_regclass(part)) THEN
      RAISE EXCEPTION '% is not a partition of %', part, parent;
    END IF;
    SET LOCAL lock_timeout = '5s';
    EXECUTE format('DROP TABLE IF EXISTS %I', part);
  END $$`;

/**
 * JIT off for this database's new sessions: the writes of deliveries, attempts and state changes look up rows by
 * id across every daily partition (90 and more), and their estimated cost then crosses jit_above_cost, so a
 * one-row write was compiled for seconds (measured: 10 s instead of 20 ms). Needs the database's owner; an
 * install where the app's role is not the owner is told to set it itself.
 */
const JIT_OFF = `
  DO $$ BEGIN
    EXECUTE format('ALTER DATABASE %I SET jit = off', current_database());
  EXCEPTION WHEN insufficient_privilege THEN
    RAISE WARNING 'set jit = off for this database (ALTER DATABASE ... SET jit = off): JIT makes writes over many partitions slow';
  END $$`;

/**
 * Dedup across partitions. `keys`: a JSON array of {s: source, m: messageId, e: event id, r: received_at, o: order};
 * returns the keys claimed now (first sight within the kept partitions). Every writer locks each key (transaction
 * advisory lock on its 64-bit hash, all in one order so two groups never deadlock) before looking: a concurrent
 * writer of the same key, whatever day it writes into, waits for this transaction to end. VOLATILE, so the lookup
 * runs on a snapshot taken after the locks: a key committed by the writer it waited for is seen. The lookup is a
 * correlated subquery with LIMIT (one index probe per partition and key, never a scan of the table).
 */
const CLAIM_DEDUP_KEYS = `
  CREATE OR REPLACE FUNCTION claim_dedup_keys(keys json)
  RETURNS TABLE (source_id uuid, message_id text, event_id bigint) LANGUAGE plpgsql VOLATILE AS $$
  #variable_conflict use_column
  BEGIN
    PERFORM pg_advisory_xact_lock(l.h) FROM (
      SELECT DISTINCT hashtextextended(k.s::text || ':' || k.m, 0) AS h
        FROM json_to_recordset(keys) AS k(s uuid, m text) ORDER BY 1) l;
    RETURN QUERY
      WITH ins AS (
        INSERT INTO event_dedup AS d (source_id, message_id, event_id, received_at)
        SELECT k.s, k.m, k.e, k.r FROM json_to_recordset(keys) AS k(s uuid, m text, e bigint, r timestamptz, o int)
         WHERE (SELECT 1 FROM event_dedup x WHERE x.source_id = k.s AND x.message_id = k.m LIMIT 1) IS NULL
         ORDER BY k.o
        ON CONFLICT DO NOTHING
        RETURNING d.source_id, d.message_id, d.event_id)
      SELECT ins.source_id, ins.message_id, ins.event_id FROM ins;
  END $$`;
