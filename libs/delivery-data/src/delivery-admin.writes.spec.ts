import type { Pool } from 'pg';
import { createDeletionDeliveries, failOpenDeliveries, skipOpenDeliveries } from './delivery-admin.writes';
import { eraseAttemptBodiesCte, fanOutDeliveriesCte, replayDeliveriesCtes } from './delivery-statement.fragments';
import { rowsOf } from './sql-executor';
import { migratedDatabase } from './testing/migrated-database';

/** The ingest API's writes of deliveries and state changes, against a migrated database of their own. */
describe('delivery writes of the ingest API', () => {
  const receivedAt = '2026-01-01T10:00:00Z';
  let pool: Pool;
  let drop: () => Promise<void>;
  let sourceId: string;

  const one = async <T>(sql: string, values: unknown[] = []): Promise<T> =>
    (await pool.query(sql, values)).rows[0] as T;
  const newDestination = async (name: string, enabled = true): Promise<string> =>
    (
      await one<{ id: string }>(
        `INSERT INTO destinations (name, api_key_encrypted, enabled) VALUES ($1, 'x', $2) RETURNING id::text`,
        [name, enabled],
      )
    ).id;
  const newEvent = async (messageId: string): Promise<string> =>
    (
      await one<{ id: string }>(
        `INSERT INTO events (received_at, source_id, message_id, type, "timestamp", payload, raw)
         VALUES ($1, $2, $3, 'track', $1, '{}', '{}') RETURNING id::text`,
        [receivedAt, sourceId, messageId],
      )
    ).id;
  const newDelivery = async (eventId: string, destinationId: string, status: string): Promise<string> =>
    (
      await one<{ id: string }>(
        `INSERT INTO deliveries (event_id, event_received_at, logged_at, destination_id, status) VALUES ($1, $2, $2, $3, $4)
         RETURNING id::text`,
        [eventId, receivedAt, destinationId, status],
      )
    ).id;
  const changesOf = async (deliveryId: string): Promise<string[]> =>
    (
      await pool.query<{ c: string }>(
        `SELECT from_status || '>' || to_status || ':' || reason AS c FROM delivery_state_changes
          WHERE delivery_id = $1 ORDER BY id`,
        [deliveryId],
      )
    ).rows.map((r) => r.c);

  beforeAll(async () => {
    ({ pool, drop } = await migratedDatabase('admin_writes'));
    sourceId = (
      await one<{ id: string }>(
        `INSERT INTO sources (name, write_key_hash, write_key_hint) VALUES ('s', 'h', 'x') RETURNING id::text`,
      )
    ).id;
  });

  afterAll(async () => {
    await drop();
  });

  it('rowsOf reads the rows of either executor', () => {
    expect(rowsOf([{ a: 1 }])).toEqual([{ a: 1 }]);
    expect(rowsOf({ rows: [{ a: 2 }], rowCount: 1 })).toEqual([{ a: 2 }]);
  });

  it('skipOpenDeliveries ends only the open deliveries of the destination, each with its state change', async () => {
    const dest = await newDestination('archived');
    const other = await newDestination('other');
    const event = await newEvent('skip-1');
    const [pending, retrying, delivered, elsewhere] = [
      await newDelivery(event, dest, 'pending'),
      await newDelivery(await newEvent('skip-2'), dest, 'retrying'),
      await newDelivery(await newEvent('skip-3'), dest, 'delivered'),
      await newDelivery(event, other, 'pending'),
    ];
    await skipOpenDeliveries(pool, dest, 'destination archived');
    const { rows } = await pool.query<{ id: string; status: string; last_error: string | null }>(
      'SELECT id::text, status, last_error FROM deliveries WHERE id = ANY($1::bigint[]) ORDER BY id',
      [[pending, retrying, delivered, elsewhere]],
    );
    expect(rows.map((r) => [r.status, r.last_error])).toEqual([
      ['skipped', 'destination archived'],
      ['skipped', 'destination archived'],
      ['delivered', null],
      ['pending', null],
    ]);
    expect(await changesOf(pending)).toEqual(['pending>skipped:destination archived']);
    expect(await changesOf(retrying)).toEqual(['retrying>skipped:destination archived']);
    expect([await changesOf(delivered), await changesOf(elsewhere)]).toEqual([[], []]);
  });

  it('createDeletionDeliveries creates one pending deletion per destination and user', async () => {
    const [a, b] = [await newDestination('del-a'), await newDestination('del-b')];
    const deletionId = (
      await one<{ id: string }>(
        `INSERT INTO deletions (user_count, user_ids, destination_ids) VALUES (2, $1, $2::uuid[]) RETURNING id::text`,
        [
          ['u-1', 'u-2'],
          [a, b],
        ],
      )
    ).id;
    const created = await createDeletionDeliveries(pool, [a, b], ['u-1', 'u-2'], deletionId);
    expect(created).toHaveLength(4);
    const { rows } = await pool.query(
      `SELECT destination_id::text AS dest, deletion_user_id AS "user", kind, status FROM deliveries
        WHERE id = ANY($1::bigint[]) ORDER BY destination_id = $2 DESC, deletion_user_id`,
      [created.map((c) => c.id), a],
    );
    expect(rows).toEqual([
      { dest: a, user: 'u-1', kind: 'deletion', status: 'pending' },
      { dest: a, user: 'u-2', kind: 'deletion', status: 'pending' },
      { dest: b, user: 'u-1', kind: 'deletion', status: 'pending' },
      { dest: b, user: 'u-2', kind: 'deletion', status: 'pending' },
    ]);
    expect(new Set(created.map((c) => c.destination_id))).toEqual(new Set([a, b]));
    // With each one's logged_at, which its job names.
    const stored = await pool.query<{ id: string; t: Date }>(
      'SELECT id::text, logged_at AS t FROM deliveries WHERE id = ANY($1::bigint[])',
      [created.map((c) => c.id)],
    );
    for (const c of created) expect(c.logged_at).toBe(stored.rows.find((r) => r.id === c.id)!.t.toISOString());
  });

  it('fanOutDeliveriesCte creates a delivery per enabled destination connected to the source', async () => {
    const [on, off] = [await newDestination('fan-on'), await newDestination('fan-off', false)];
    await pool.query(`INSERT INTO destination_sources (destination_id, source_id) VALUES ($1, $3), ($2, $3)`, [
      on,
      off,
      sourceId,
    ]);
    const event = await newEvent('fan-1');
    const { rows } = await pool.query(
      `WITH ins AS (SELECT id, source_id, received_at FROM events WHERE id = $1), ${fanOutDeliveriesCte('ins')}
       SELECT event_id::text AS event, destination_id::text AS dest FROM deliv`,
      [event],
    );
    expect(rows).toEqual([{ event, dest: on }]);
    await pool.query('DELETE FROM destination_sources WHERE source_id = $1', [sourceId]);
  });

  it('replayDeliveriesCtes moves or creates the page deliveries as pending, with a state change for a move', async () => {
    const dest = await newDestination('replay');
    const [failedEvent, newEventId, pendingEvent] = [
      await newEvent('replay-1'),
      await newEvent('replay-2'),
      await newEvent('replay-3'),
    ];
    const failed = await newDelivery(failedEvent, dest, 'failed');
    const pending = await newDelivery(pendingEvent, dest, 'pending');
    const { rows } = await pool.query<{ id: string; event_id: string }>(
      `WITH page AS (SELECT id, received_at FROM events WHERE id = ANY($1::bigint[])),
       ${replayDeliveriesCtes('page', '$2', '$3')}
       SELECT id::text, event_id::text FROM upserted ORDER BY event_id`,
      [[failedEvent, newEventId, pendingEvent], dest, '42'],
    );
    expect(rows.map((r) => r.event_id)).toEqual([failedEvent, newEventId, pendingEvent].sort((x, y) => +x - +y));
    const created = rows.find((r) => r.event_id === newEventId)!.id;
    expect(rows.find((r) => r.event_id === failedEvent)!.id).toBe(failed);
    const { rows: statuses } = await pool.query<{ status: string }>(
      'SELECT status FROM deliveries WHERE id = ANY($1::bigint[])',
      [[failed, created, pending]],
    );
    expect(statuses.map((s) => s.status)).toEqual(['pending', 'pending', 'pending']);
    expect(await changesOf(failed)).toEqual(['failed>pending:replay 42']);
    expect([await changesOf(created), await changesOf(pending)]).toEqual([[], []]);
  });

  it('eraseAttemptBodiesCte replaces the bodies of the events’ attempts inside an erasure transaction', async () => {
    const dest = await newDestination('erase');
    const [erased, kept] = [await newEvent('erase-1'), await newEvent('erase-2')];
    const deliveries = [await newDelivery(erased, dest, 'delivered'), await newDelivery(kept, dest, 'delivered')];
    for (const d of deliveries) {
      await pool.query(
        `INSERT INTO delivery_attempts (delivery_id, attempt_number, trigger, started_at, finished_at, decision,
                                        request_body, response_body)
         VALUES ($1, 1, 'auto', now(), now(), 'delivered', '{"user":"u"}', 'ok')`,
        [d],
      );
    }
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(`SELECT set_config('fsd.erasure', 'on', true)`);
      const { rows } = await client.query(
        `WITH ${eraseAttemptBodiesCte('$1', '$2')} SELECT count(*)::int AS n FROM att`,
        [[erased], JSON.stringify({ erased: true })],
      );
      await client.query('COMMIT');
      expect(rows).toEqual([{ n: 1 }]);
    } finally {
      client.release();
    }
    const { rows } = await pool.query(
      `SELECT request_body AS req, response_body AS res FROM delivery_attempts
        WHERE delivery_id = ANY($1::bigint[]) ORDER BY delivery_id`,
      [deliveries],
    );
    expect(rows).toEqual([
      { req: { erased: true }, res: '{"erased":true}' },
      { req: { user: 'u' }, res: 'ok' },
    ]);
  });

  it('failOpenDeliveries ends only the open ones among the ids failed, each with its reason and claim cleared', async () => {
    const dest = await newDestination('batch-replayed');
    const [pending, retrying, delivered, notListed] = [
      await newDelivery(await newEvent('fail-1'), dest, 'pending'),
      await newDelivery(await newEvent('fail-2'), dest, 'retrying'),
      await newDelivery(await newEvent('fail-3'), dest, 'delivered'),
      await newDelivery(await newEvent('fail-4'), dest, 'pending'),
    ];
    await pool.query(
      `UPDATE deliveries SET claim_token = 'batch-replay:1:s', claimed_until = now() + interval '1 hour' WHERE id = $1`,
      [pending],
    );
    const reason = 'batch replay slice s gave up: its job failed after all its attempts, 5 times';
    expect(await failOpenDeliveries(pool, [pending, retrying, delivered], reason)).toBe(2);
    const { rows } = await pool.query<{ status: string; last_error: string | null; claim_token: string | null }>(
      'SELECT status, last_error, claim_token FROM deliveries WHERE id = ANY($1::bigint[]) ORDER BY id',
      [[pending, retrying, delivered, notListed]],
    );
    expect(rows).toEqual([
      { status: 'failed', last_error: reason, claim_token: null },
      { status: 'failed', last_error: reason, claim_token: null },
      { status: 'delivered', last_error: null, claim_token: null },
      { status: 'pending', last_error: null, claim_token: null },
    ]);
    expect(await changesOf(pending)).toEqual([`pending>failed:${reason}`]);
    expect(await changesOf(retrying)).toEqual([`retrying>failed:${reason}`]);
    expect(await changesOf(delivered)).toEqual([]);
    expect(await failOpenDeliveries(pool, [pending], reason)).toBe(0);
  });
});
