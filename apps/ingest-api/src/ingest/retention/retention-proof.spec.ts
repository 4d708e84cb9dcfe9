import { RecordBatcher, attemptRow } from '@fsd/delivery-data';
import { freshDatabase, FreshDatabase } from '../../core/database/testing/fresh-database';
import { fixtureRows } from '../../core/database/testing/fixture-rows';
import type { IngestConfig } from '../../core/config/ingest.config';
import { EventLogWriter, EventRow } from '../event-log/event-log.writer';
import { EventLogRepository } from '../event-log/event-log.repository';
import { RetentionRepository } from './retention.repository';
import { RetentionService } from './retention.service';

const DAY_MS = 86_400_000;
const DAYS = 40;
const RETENTION_DAYS = 30;
const EVENTS_PER_DAY = 250;
/** A realistic track payload (~600 bytes of JSON), as the log stores it in payload and raw. */
const PROPERTIES = {
  plan: 'enterprise',
  cart: Array.from({ length: 6 }, (_, i) => ({ sku: `sku-${i}`, price: 9.99 })),
};

/**
 * The proof (issue 15, item 6): a simulated clock drives 40 days of steady ingest through the real writers (the
 * event log's group commit, the worker's record statement), and the retention job runs each simulated night with
 * that clock. From day 30 on, storage stays within a bound measured from the per-day cost, while the latest 30
 * days stay exactly-once and auditable. No sleeping: time is only the `now` and the times passed in.
 */
describe('retention keeps storage flat over 40 simulated days', () => {
  let db: FreshDatabase;
  let sourceId: string;
  let writer: EventLogWriter;
  let recorder: RecordBatcher;
  let retention: RetentionService;
  let repo: RetentionRepository;
  /** Day 0 starts after the legacy partitions (which end tomorrow at the latest). */
  const day0 = Math.ceil(Date.now() / DAY_MS) * DAY_MS + 2 * DAY_MS;
  const dayStart = (d: number) => new Date(day0 + d * DAY_MS);
  const messageId = (d: number, i: number) => `m-${d}-${i}`;
  const config = {
    groupCommitConcurrency: 2,
    groupCommitMaxEvents: 500,
    dedupWindowDays: RETENTION_DAYS,
    eventRetentionDays: RETENTION_DAYS,
    auditRetentionDays: RETENTION_DAYS,
  } as IngestConfig;
  const row = (d: number, i: number): EventRow => {
    const receivedAt = new Date(day0 + d * DAY_MS + Math.floor((i * DAY_MS) / EVENTS_PER_DAY)).toISOString();
    const event = { type: 'track', event: 'Order Completed', messageId: messageId(d, i), userId: `u-${i % 50}` };
    return {
      sourceId,
      messageId: messageId(d, i),
      type: 'track',
      eventName: 'Order Completed',
      userId: `u-${i % 50}`,
      anonymousId: null,
      timestamp: receivedAt,
      receivedAt,
      payload: { ...event, properties: PROPERTIES },
      raw: { ...event, properties: PROPERTIES },
    };
  };
  const size = async (): Promise<number> => {
    const stats = await repo.stats();
    const funnel = await db.rows<{ b: string }>(`SELECT pg_total_relation_size('delivery_funnel_hourly')::text AS b`);
    return stats.reduce((sum, s) => sum + s.bytes, 0) + Number(funnel[0].b);
  };
  const count = async (sql: string, values: unknown[] = []) => Number((await db.rows<{ n: string }>(sql, values))[0].n);

  /** One simulated day: its events written, each delivery attempted once (delivered) at the event's time + 1 s. */
  const ingestDay = async (d: number) => {
    const results = await writer.write(Array.from({ length: EVENTS_PER_DAY }, (_, i) => row(d, i)));
    await Promise.all(
      results.flatMap((r, i) =>
        r.deliveries.map((delivery) => {
          const started = new Date(Date.parse(row(d, i).receivedAt) + 1000);
          return recorder.write({
            deliveryId: delivery.deliveryId,
            // A delivery is logged when its event was received.
            loggedAt: new Date(row(d, i).receivedAt),
            status: 'delivered',
            reason: null,
            newEpisode: false,
            attempts: [
              attemptRow({ attemptNumber: 1, trigger: 'auto' }, started, new Date(started.getTime() + 120), {
                decision: 'delivered',
                requestMethod: 'POST',
                requestUrl: 'https://api.fullstory.com/v2/events',
                requestBody: { name: 'Order Completed', properties: PROPERTIES },
                responseStatus: 200,
                responseBody: '{"id":"ok"}',
              }),
            ],
          });
        }),
      ),
    );
    return results.filter((r) => r.eventId !== null).length;
  };

  beforeAll(async () => {
    db = await freshDatabase('retention_proof');
    const rows = fixtureRows(db.pool);
    sourceId = await rows.source('proof');
    await rows.destination('proof', { sourceIds: [sourceId] });
    writer = new EventLogWriter(new EventLogRepository(db.pool), config);
    recorder = new RecordBatcher(db.pool);
    repo = new RetentionRepository(db.pool);
    retention = new RetentionService(repo, config);
    await repo.ensurePartitions(dayStart(-1), dayStart(DAYS + 1));
  }, 120_000);

  afterAll(() => db.drop(), 60_000);

  it('stays within the bound after day 30, exactly-once and auditable over the latest 30 days', async () => {
    const sizes: number[] = [];
    const empty = await size();
    for (let d = 0; d < DAYS; d++) {
      expect(await ingestDay(d)).toBe(EVENTS_PER_DAY);
      // The nightly run, one hour into the next simulated day.
      await retention.run(new Date(dayStart(d + 1).getTime() + 3_600_000));
      sizes.push(await size());
    }
    // Steady growth before any drop: the cost of one day (all tables, indexes and TOAST).
    const perDay = (sizes[9] - sizes[0]) / 9;
    // Kept: the 30 whole days before the run's day, and that (new, still empty) day: 30 days of rows.
    const bound = empty + (RETENTION_DAYS + 1) * perDay * 1.1;
    for (let d = RETENTION_DAYS; d < DAYS; d++) expect(sizes[d]).toBeLessThanOrEqual(bound);
    expect(sizes[DAYS - 1]).toBeLessThanOrEqual(sizes[RETENTION_DAYS] * 1.05);

    // Every table holds exactly the last 30 simulated days; the dedup keys (weekly partitions) up to a week more.
    const keptFrom = dayStart(DAYS - RETENTION_DAYS);
    const kept = RETENTION_DAYS * EVENTS_PER_DAY;
    expect(await count(`SELECT count(*)::text AS n FROM events`)).toBe(kept);
    const keys = await count(`SELECT count(*)::text AS n FROM event_dedup`);
    expect(keys).toBeGreaterThanOrEqual(kept);
    expect(keys).toBeLessThanOrEqual(kept + 7 * EVENTS_PER_DAY);
    expect(await count(`SELECT count(*)::text AS n FROM deliveries`)).toBe(kept);
    expect(await count(`SELECT count(*)::text AS n FROM delivery_attempts`)).toBe(kept);
    expect(await count(`SELECT count(*)::text AS n FROM delivery_state_changes`)).toBe(kept);
    expect(await count(`SELECT count(*)::text AS n FROM events WHERE received_at < $1`, [keptFrom])).toBe(0);
    expect(await count(`SELECT count(*)::text AS n FROM delivery_funnel_hourly WHERE hour < $1`, [keptFrom])).toBe(0);
    expect(await count(`SELECT sum(count)::text AS n FROM delivery_funnel_hourly WHERE stage = 'delivered'`)).toBe(
      kept,
    );

    // Exactly-once: the oldest kept day's and yesterday's messageIds are refused again.
    const again = await writer.write([row(DAYS - RETENTION_DAYS, 7), row(DAYS - 1, 8)]);
    expect(again.map((r) => r.eventId)).toEqual([null, null]);
    // Auditable: each kept event has its delivery, its attempt and its state change.
    expect(
      await count(
        `SELECT count(*)::text AS n FROM events e
           JOIN deliveries d ON d.event_id = e.id AND d.status = 'delivered'
           JOIN delivery_attempts a ON a.delivery_id = d.id
           JOIN delivery_state_changes c ON c.delivery_id = d.id AND c.to_status = 'delivered'`,
      ),
    ).toBe(kept);

    const per = await bytesPerRow(db);
    process.stdout.write(
      `retention proof: empty ${empty} B, per simulated day ${Math.round(perDay)} B (${EVENTS_PER_DAY} events), ` +
        `bound ${Math.round(bound)} B, sizes day 30..39 ${sizes.slice(RETENTION_DAYS).join(', ')} B; ` +
        `bytes per row (all partitions over all rows): ${JSON.stringify(per)}\n`,
    );
  }, 300_000);
});

/** The bytes per row of each time-partitioned table (all partitions, indexes and TOAST, over its rows). */
async function bytesPerRow(db: FreshDatabase): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const table of ['events', 'event_dedup', 'deliveries', 'delivery_attempts', 'delivery_state_changes']) {
    const [r] = await db.rows<{ bytes: string; n: string }>(
      `SELECT (SELECT sum(pg_total_relation_size(inhrelid)) FROM pg_inherits WHERE inhparent = $1::regclass)::text
                AS bytes, (SELECT count(*) FROM ${table})::text AS n`,
      [table],
    );
    out[table] = Math.round(Number(r.bytes) / Number(r.n));
  }
  return out;
}
