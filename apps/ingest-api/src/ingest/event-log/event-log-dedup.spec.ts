import { Pool } from 'pg';
import { freshDatabase, FreshDatabase } from '../../core/database/testing/fresh-database';
import { fixtureRows } from '../../core/database/testing/fixture-rows';
import type { IngestConfig } from '../../core/config/ingest.config';
import { EventLogWriter, EventRow } from './event-log.writer';
import { EventLogRepository } from './event-log.repository';

const DAY_MS = 86_400_000;
/** Tomorrow's UTC midnight: the day boundary the dedup keys' partitions split at. */
const midnight = new Date(Math.ceil(Date.now() / DAY_MS) * DAY_MS);
const at = (offsetMs: number) => new Date(midnight.getTime() + offsetMs).toISOString();

/**
 * Exactly-once across the dedup table's daily partitions (migration 1764700000000): a messageId first seen on one
 * day is refused on the next, also when both writes are in flight at once (the lock per key).
 */
describe('event log dedup across partitions', () => {
  let db: FreshDatabase;
  let sourceId: string;
  let writers: EventLogWriter[];
  let otherPool: Pool;
  // No overlap threshold: the writes of one test must be in flight at once.
  const config = { groupCommitConcurrency: 4, groupCommitMaxEvents: 500, groupCommitOverlapEvents: 0 } as IngestConfig;
  const row = (messageId: string, receivedAt: string): EventRow => ({
    sourceId,
    messageId,
    type: 'track',
    eventName: 'E',
    userId: null,
    anonymousId: 'a',
    timestamp: receivedAt,
    receivedAt,
    payload: { messageId },
    raw: { messageId },
  });
  const keysOf = async (messageId: string) =>
    db.rows<{ day: string }>(
      `SELECT to_char(received_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day FROM event_dedup WHERE message_id = $1`,
      [messageId],
    );

  beforeAll(async () => {
    db = await freshDatabase('dedup_partitions');
    otherPool = new Pool({ connectionString: db.pool.options.connectionString, max: 4 });
    // A week of partitions ahead, as the maintenance keeps (a fresh database has today's): the writes reach 3 days on.
    await db.pool.query('SELECT ensure_audit_partitions(7)');
    sourceId = await fixtureRows(db.pool).source('dedup');
    writers = [
      new EventLogWriter(new EventLogRepository(db.pool), config),
      new EventLogWriter(new EventLogRepository(otherPool), config),
    ];
  }, 60_000);

  afterAll(async () => {
    otherPool.on('error', () => undefined);
    await otherPool.end();
    await db.drop();
  }, 60_000);

  it('refuses a messageId first seen yesterday, today and days later', async () => {
    const [first] = await writers[0].write([row('m-boundary', at(-1))]);
    expect(first.eventId).not.toBeNull();
    for (const offset of [1, 3_600_000, 3 * DAY_MS]) {
      const [again] = await writers[0].write([row('m-boundary', at(offset))]);
      expect(again.eventId).toBeNull();
    }
    expect(await keysOf('m-boundary')).toEqual([{ day: at(-1).slice(0, 10) }]);
    const events = await db.rows<{ n: string }>(
      `SELECT count(*)::text AS n FROM events WHERE message_id = 'm-boundary'`,
    );
    expect(events[0].n).toBe('1');
  });

  it.each([
    ['commits', 'COMMIT', null],
    ['rolls back', 'ROLLBACK', 'claimed'],
  ])('a write across midnight waits for one in flight on the other day, which %s', async (_c, end, outcome) => {
    const messageId = `m-race-${end}`;
    const holder = await db.pool.connect();
    try {
      await holder.query('BEGIN');
      const claimed = await holder.query(`SELECT * FROM claim_dedup_keys($1::json)`, [
        JSON.stringify([{ s: sourceId, m: messageId, e: 900_000_001, r: at(-1), o: 0 }]),
      ]);
      expect(claimed.rowCount).toBe(1);
      const pending = writers[1].write([row(messageId, at(1))]);
      // Poll (with a deadline) until the second write waits on the key's lock.
      const deadline = Date.now() + 10_000;
      for (;;) {
        const waiting = await db.rows<{ n: string }>(
          `SELECT count(*)::text AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted`,
        );
        if (waiting[0].n === '1') break;
        if (Date.now() > deadline) throw new Error('the second write never waited for the key');
        await new Promise((r) => setImmediate(r));
      }
      await holder.query(end);
      const [result] = await pending;
      expect(result.eventId === null ? null : 'claimed').toBe(outcome);
      expect((await keysOf(messageId)).map((k) => k.day)).toEqual([
        end === 'COMMIT' ? at(-1).slice(0, 10) : at(1).slice(0, 10),
      ]);
    } finally {
      holder.release();
    }
  });

  it('lets exactly one of many concurrent writes of a messageId on both sides of midnight through', async () => {
    const writes = Array.from({ length: 40 }, (_, i) =>
      writers[i % 2].write([row('m-storm', at(i % 4 < 2 ? -1 - i : 1 + i)), row(`m-storm-other-${i}`, at(1))]),
    );
    const results = (await Promise.all(writes)).map(([storm, other]) => [storm.eventId, other.eventId]);
    expect(results.filter(([storm]) => storm !== null)).toHaveLength(1);
    expect(results.filter(([, other]) => other !== null)).toHaveLength(40);
    expect(await keysOf('m-storm')).toHaveLength(1);
  });
});
