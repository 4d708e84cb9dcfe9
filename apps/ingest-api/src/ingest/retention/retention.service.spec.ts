import { partitionsOf } from '@fsd/platform';
import { freshDatabase, FreshDatabase } from '../../core/database/testing/fresh-database';
import { fixtureRows } from '../../core/database/testing/fixture-rows';
import type { IngestConfig } from '../../core/config/ingest.config';
import { RetentionRepository } from './retention.repository';
import { RetentionService } from './retention.service';

const DAY_MS = 86_400_000;

/** The retention job on real partitions, with an explicit clock: which partitions go, given the overrides. */
describe('RetentionService', () => {
  let db: FreshDatabase;
  let repo: RetentionRepository;
  let service: RetentionService;
  /** A simulated day 0 after the legacy partitions; partitions for days 0..40 exist. */
  const day0 = Math.ceil(Date.now() / DAY_MS) * DAY_MS + 2 * DAY_MS;
  const day = (d: number) => new Date(day0 + d * DAY_MS);
  const config = { eventRetentionDays: 10, auditRetentionDays: 20, dedupWindowDays: 5 } as IngestConfig;
  const oldestDay = async (table: string) => {
    const kept = (await partitionsOf(db.pool, table)).filter((p) => p.from !== null);
    return Math.round((kept[0].from!.getTime() - day0) / DAY_MS);
  };
  /** The dedup keys' partitions are weekly: the oldest kept one holds the cutoff's day. */
  const dedupHolds = async (d: number) => {
    const kept = (await partitionsOf(db.pool, 'event_dedup')).filter((p) => p.from !== null);
    return kept[0].from!.getTime() <= day(d).getTime() && day(d).getTime() < kept[0].to!.getTime();
  };
  const oldestDays = async (dedupCutoff: number) => ({
    events: await oldestDay('events'),
    dedup: await dedupHolds(dedupCutoff),
    deliveries: await oldestDay('deliveries'),
    attempts: await oldestDay('delivery_attempts'),
    changes: await oldestDay('delivery_state_changes'),
  });

  beforeAll(async () => {
    db = await freshDatabase('retention_service');
    repo = new RetentionRepository(db.pool);
    service = new RetentionService(repo, config);
    await repo.ensurePartitions(day(0), day(40));
  }, 120_000);

  afterAll(() => db.drop(), 60_000);

  it('drops whole partitions per table at its own cutoff, and never again what it dropped', async () => {
    const run = await service.run(new Date(day(30).getTime() + 5 * 3_600_000));
    expect(run.cutoffs.events).toEqual(day(20));
    expect(await oldestDays(25)).toEqual({ events: 20, dedup: true, deliveries: 10, attempts: 10, changes: 10 });
    const name = (d: number) => `deliveries_p${day(d).toISOString().slice(0, 10).replace(/-/g, '')}`;
    expect(run.dropped).toEqual(expect.arrayContaining([0, 1, 5, 9].map(name)));
    expect(run.dropped).not.toContain(name(10));
    expect((await service.run(new Date(day(30).getTime() + 6 * 3_600_000))).dropped).toEqual([]);
  });

  it('waits for the longest override of any source or destination, archived ones too', async () => {
    const rows = fixtureRows(db.pool);
    const source = await rows.source('long-events', true);
    await db.pool.query(`UPDATE sources SET event_retention_days = 15 WHERE id = $1`, [source]);
    const dest = await rows.destination('long-audit');
    await db.pool.query(`UPDATE destinations SET audit_retention_days = 12, event_retention_days = 3 WHERE id = $1`, [
      dest,
    ]);
    const run = await service.run(new Date(day(36).getTime()));
    expect([run.cutoffs.eventDays, run.cutoffs.auditDays]).toEqual([15, 20]);
    expect(await oldestDays(31)).toEqual({ events: 21, dedup: true, deliveries: 16, attempts: 16, changes: 16 });
    expect(await service.earliestEventKept(day(36))).toEqual(day(21));
  });

  it('prunes the funnel counters of hours before audit retention', async () => {
    const dest = await fixtureRows(db.pool).destination('funnel');
    await db.pool.query(
      `INSERT INTO delivery_funnel_hourly (destination_id, hour, stage, count)
       SELECT $1, $2::timestamptz + make_interval(hours => h), 'delivered', 1 FROM generate_series(0, 47) h`,
      [dest, day(19)],
    );
    const run = await service.run(day(40));
    expect(run.cutoffs.audit).toEqual(day(20));
    expect(run.funnelRowsPruned).toBe(24);
    const [{ n }] = await db.rows<{ n: string }>(`SELECT count(*)::text AS n FROM delivery_funnel_hourly`);
    expect(n).toBe('24');
  });
});
