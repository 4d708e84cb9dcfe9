import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The whole first schema. The event log is range-partitioned by received_at (one partition per day,
 * created ahead of time by ensure_event_partitions) so old data is dropped by detaching a partition
 * instead of a slow DELETE. Deduplication lives in its own unpartitioned table because a unique
 * index on a partitioned table must include the partition key.
 */
export class InitialSchema1764300000000 implements MigrationInterface {
  name = 'InitialSchema1764300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE sources (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL,
        write_key_hash text NOT NULL UNIQUE,
        write_key_hint text NOT NULL,
        rate_limit_requests_per_second integer,
        rate_limit_events_per_second integer,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE destinations (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL,
        enabled boolean NOT NULL DEFAULT true,
        api_key_encrypted text NOT NULL,
        region text,
        base_url text,
        presets jsonb NOT NULL DEFAULT '{"trackEvent": true, "identifyUser": true}',
        filters json NOT NULL DEFAULT '[]',
        settings jsonb NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE destination_sources (
        destination_id uuid NOT NULL REFERENCES destinations(id) ON DELETE CASCADE,
        source_id uuid NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
        PRIMARY KEY (destination_id, source_id)
      )`);
    await q.query(`CREATE INDEX destination_sources_source_idx ON destination_sources (source_id)`);
    await q.query(`
      CREATE TABLE mappings (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        destination_id uuid NOT NULL REFERENCES destinations(id) ON DELETE CASCADE,
        position integer NOT NULL,
        name text NOT NULL,
        enabled boolean NOT NULL DEFAULT true,
        trigger text NOT NULL,
        action text NOT NULL,
        mapping json NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX mappings_destination_idx ON mappings (destination_id, position)`);

    await q.query(`CREATE SEQUENCE events_id_seq AS bigint`);
    await q.query(`
      CREATE TABLE events (
        id bigint NOT NULL DEFAULT nextval('events_id_seq'),
        received_at timestamptz NOT NULL,
        source_id uuid NOT NULL,
        message_id text NOT NULL,
        type text NOT NULL,
        event_name text,
        user_id text,
        anonymous_id text,
        "timestamp" timestamptz NOT NULL,
        -- json, not jsonb: jsonb reorders keys, and FullStory must receive properties in the order sent.
        payload json NOT NULL,
        raw json NOT NULL,
        PRIMARY KEY (id, received_at)
      ) PARTITION BY RANGE (received_at)`);
    await q.query(`CREATE TABLE events_default PARTITION OF events DEFAULT`);
    await q.query(`CREATE INDEX events_received_idx ON events (received_at, id)`);
    await q.query(`CREATE INDEX events_message_idx ON events (message_id)`);
    await q.query(`CREATE INDEX events_user_idx ON events (user_id, received_at) WHERE user_id IS NOT NULL`);
    await q.query(
      `CREATE INDEX events_anonymous_idx ON events (anonymous_id, received_at) WHERE anonymous_id IS NOT NULL`,
    );
    await q.query(`
      CREATE FUNCTION ensure_event_partitions(days_ahead integer) RETURNS integer LANGUAGE plpgsql AS $$
      DECLARE
        d date;
        created integer := 0;
        part text;
      BEGIN
        FOR i IN -1..days_ahead LOOP
          d := (now() AT TIME ZONE 'UTC')::date + i;
          part := 'events_p' || to_char(d, 'YYYYMMDD');
          IF to_regclass(part) IS NULL THEN
            EXECUTE format(
              'CREATE TABLE %I PARTITION OF events FOR VALUES FROM (%L) TO (%L)',
              part, (d::timestamp AT TIME ZONE 'UTC'), ((d + 1)::timestamp AT TIME ZONE 'UTC'));
            created := created + 1;
          END IF;
        END LOOP;
        RETURN created;
      END $$`);
    await q.query(`SELECT ensure_event_partitions(7)`);

    await q.query(`
      CREATE TABLE event_dedup (
        source_id uuid NOT NULL,
        message_id text NOT NULL,
        event_id bigint NOT NULL,
        received_at timestamptz NOT NULL,
        PRIMARY KEY (source_id, message_id)
      )`);
    await q.query(`CREATE INDEX event_dedup_received_idx ON event_dedup (received_at)`);

    await q.query(`
      CREATE TABLE rejected_events (
        id bigserial PRIMARY KEY,
        source_id uuid,
        received_at timestamptz NOT NULL,
        batch_index integer,
        message_id text,
        code text NOT NULL,
        message text NOT NULL,
        payload json
      )`);
    await q.query(`CREATE INDEX rejected_events_received_idx ON rejected_events (received_at)`);

    await q.query(`
      CREATE TABLE deliveries (
        id bigserial PRIMARY KEY,
        event_id bigint,
        event_received_at timestamptz,
        destination_id uuid NOT NULL REFERENCES destinations(id) ON DELETE CASCADE,
        kind text NOT NULL DEFAULT 'event',
        status text NOT NULL DEFAULT 'pending',
        attempts integer NOT NULL DEFAULT 0,
        -- An episode starts at creation, and again at each replay or redrive: the retry window and
        -- the attempt cap count from there, so a redriven delivery gets a fresh budget.
        episode_started_at timestamptz NOT NULL DEFAULT now(),
        episode_runs integer NOT NULL DEFAULT 0,
        last_error text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        delivered_at timestamptz,
        deletion_user_id text,
        UNIQUE (event_id, destination_id)
      )`);
    await q.query(
      `CREATE INDEX deliveries_open_idx ON deliveries (updated_at) WHERE status IN ('pending', 'retrying')`,
    );
    await q.query(`CREATE INDEX deliveries_destination_status_idx ON deliveries (destination_id, status, id)`);

    await q.query(`
      CREATE TABLE delivery_state_changes (
        id bigserial PRIMARY KEY,
        delivery_id bigint NOT NULL REFERENCES deliveries(id) ON DELETE CASCADE,
        from_status text,
        to_status text NOT NULL,
        reason text,
        at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX delivery_state_changes_delivery_idx ON delivery_state_changes (delivery_id, id)`);

    await q.query(`
      CREATE TABLE delivery_attempts (
        id bigserial PRIMARY KEY,
        delivery_id bigint NOT NULL REFERENCES deliveries(id) ON DELETE CASCADE,
        attempt_number integer NOT NULL,
        trigger text NOT NULL,
        subscription_id text,
        action text,
        started_at timestamptz NOT NULL,
        finished_at timestamptz NOT NULL,
        latency_ms integer,
        request_method text,
        request_url text,
        request_headers jsonb,
        request_body json,
        response_status integer,
        response_headers jsonb,
        response_body text,
        response_truncated boolean NOT NULL DEFAULT false,
        error_class text,
        error_message text,
        decision text NOT NULL,
        retry_at timestamptz,
        skip_reason text
      )`);
    await q.query(`CREATE INDEX delivery_attempts_delivery_idx ON delivery_attempts (delivery_id, id)`);
    // Audit rows are append-only: refuse UPDATE and DELETE at the database itself.
    await q.query(`
      CREATE FUNCTION forbid_audit_rewrite() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit rows are append-only (% on %)', TG_OP, TG_TABLE_NAME;
      END $$`);
    await q.query(`
      CREATE TRIGGER delivery_attempts_append_only BEFORE UPDATE ON delivery_attempts
      FOR EACH ROW EXECUTE FUNCTION forbid_audit_rewrite()`);
    await q.query(`
      CREATE TRIGGER delivery_state_changes_append_only BEFORE UPDATE ON delivery_state_changes
      FOR EACH ROW EXECUTE FUNCTION forbid_audit_rewrite()`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of [
      'delivery_attempts',
      'delivery_state_changes',
      'deliveries',
      'rejected_events',
      'event_dedup',
      'events',
      'mappings',
      'destination_sources',
      'destinations',
      'sources',
    ]) {
      await q.query(`DROP TABLE IF EXISTS ${t} CASCADE`);
    }
    await q.query(`DROP FUNCTION IF EXISTS forbid_audit_rewrite()`);
    await q.query(`DROP FUNCTION IF EXISTS ensure_event_partitions(integer)`);
    await q.query(`DROP SEQUENCE IF EXISTS events_id_seq`);
  }
}
