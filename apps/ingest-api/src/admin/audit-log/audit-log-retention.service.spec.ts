import { FreshDatabase, freshDatabase } from '../../core/database/testing/fresh-database';
import type { IngestConfig } from '../../core/config/ingest.config';
import { AuditLogRepository } from './audit-log.repository';
import { AuditLogRetention } from './audit-log-retention.service';
import { monthsToEnsure } from './audit-log-retention.policy';
import { AuditLogRetentionRepository } from './audit-log-retention.repository';

/** Against a migrated database of its own, on explicit dates (no waiting): months dropped whole, rows never edited. */
describe('AuditLogRetention', () => {
  let db: FreshDatabase;
  let repo: AuditLogRetentionRepository;
  const retention = (days: number) => new AuditLogRetention(repo, { adminAuditRetentionDays: days } as IngestConfig);
  const months = async () => (await repo.partitions()).map((p) => p.name);
  const entriesAt = async () =>
    (await db.rows<{ at: Date }>(`SELECT at FROM admin_audit_log ORDER BY at`)).map((r) => r.at.toISOString());
  const append = (at: string) =>
    db.rows(
      `INSERT INTO admin_audit_log (at, token_id, token_name, client_address, via, action)
       VALUES ($1, 't', 'n', '10.0.0.1', 'api', 'source.update')`,
      [at],
    );

  beforeAll(async () => {
    db = await freshDatabase('audit_log_retention');
    // The migration made the real clock's month and three ahead; these tests run on a clock of their own, so they
    // start from no month at all and make theirs (kept, the real months made the list depend on today's date).
    repo = new AuditLogRetentionRepository(db.dataSource);
    for (const month of await repo.partitions()) await repo.dropMonth(month.name);
    expect(await months()).toEqual([]);
    await repo.ensureMonths(new Date('2025-09-01T00:00:00Z'), new Date('2026-11-01T00:00:00Z'));
    for (const at of [
      '2025-09-30T23:59:59Z',
      '2025-10-15T12:00:00Z',
      '2025-11-20T08:00:00Z',
      '2026-06-01T00:00:00Z',
      '2026-11-28T10:00:00Z',
    ]) {
      await append(at);
    }
  });

  afterAll(async () => {
    await db.drop();
  }, 30_000);

  it('drops the months wholly past retention, keeps the month the cutoff falls in, and creates months ahead', async () => {
    const run = await retention(365).run(new Date('2026-11-29T12:00:00Z'));
    expect(run.cutoff.toISOString()).toBe('2025-11-29T12:00:00.000Z');
    expect(run.dropped).toEqual(['admin_audit_log_p202509', 'admin_audit_log_p202510']);
    // November 2025 holds an entry older than the cutoff; it goes with its month, once all of it is past.
    expect(await entriesAt()).toEqual([
      '2025-11-20T08:00:00.000Z',
      '2026-06-01T00:00:00.000Z',
      '2026-11-28T10:00:00.000Z',
    ]);
    const names = await months();
    // November 2025 through the run's month and three ahead (February 2027): 16 months, none missing.
    expect(names).toHaveLength(16);
    expect(names[0]).toBe('admin_audit_log_p202511');
    expect(names.slice(-4)).toEqual([
      'admin_audit_log_p202611',
      'admin_audit_log_p202612',
      'admin_audit_log_p202701',
      'admin_audit_log_p202702',
    ]);
  });

  it('is idempotent, and a month later drops the next month', async () => {
    expect((await retention(365).run(new Date('2026-11-29T12:00:00Z'))).dropped).toEqual([]);
    expect((await retention(365).run(new Date('2026-12-01T00:00:00Z'))).dropped).toEqual(['admin_audit_log_p202511']);
    expect(await entriesAt()).toEqual(['2026-06-01T00:00:00.000Z', '2026-11-28T10:00:00.000Z']);
  });

  it('keeps the log append-only between runs: no row is edited or deleted, and new entries land', async () => {
    await expect(db.rows(`DELETE FROM admin_audit_log WHERE at < '2026-07-01'`)).rejects.toThrow(
      /append-only \(DELETE refused\)/,
    );
    await expect(db.rows(`UPDATE admin_audit_log SET action = 'x'`)).rejects.toThrow(/append-only \(UPDATE refused\)/);
    await expect(db.rows(`TRUNCATE admin_audit_log_p202606`)).rejects.toThrow(/append-only \(TRUNCATE refused\)/);
    // An entry lands at the database's now: its month, as the app's start makes it (the months above are the tests').
    const { first, last } = monthsToEnsure(new Date());
    await repo.ensureMonths(first, last);
    await new AuditLogRepository(db.dataSource).append({
      tokenId: 't',
      tokenName: 'n',
      clientAddress: '10.0.0.2',
      via: 'api',
      action: 'token.create',
      targetType: null,
      targetId: null,
      details: null,
    });
    expect(await db.rows(`SELECT count(*)::int AS n FROM admin_audit_log`)).toEqual([{ n: 3 }]);
  });

  it('drops only months of the admin audit log', async () => {
    await expect(repo.dropMonth('deliveries')).rejects.toThrow(/not a month of the admin audit log/);
  });
});
