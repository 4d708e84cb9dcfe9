import { loadIngestConfig } from './ingest.config';

describe('retention settings in the ingest config', () => {
  it('defaults to 30 days of events and 90 of audit', () => {
    const c = loadIngestConfig({});
    expect([c.eventRetentionDays, c.auditRetentionDays, c.dedupWindowDays]).toEqual([30, 90, 30]);
  });

  it.each([
    [{ EVENT_RETENTION_DAYS: '45', AUDIT_RETENTION_DAYS: '45' }, [45, 45]],
    [{ EVENT_RETENTION_DAYS: '7', DEDUP_WINDOW_DAYS: '7', AUDIT_RETENTION_DAYS: '7' }, [7, 7]],
  ])('accepts %j', (env, days) => {
    const c = loadIngestConfig(env);
    expect([c.eventRetentionDays, c.auditRetentionDays]).toEqual(days);
  });

  it.each([
    [{ EVENT_RETENTION_DAYS: '29' }, /EVENT_RETENTION_DAYS must be at least DEDUP_WINDOW_DAYS \(30\)/],
    [
      { EVENT_RETENTION_DAYS: '10', DEDUP_WINDOW_DAYS: '14' },
      /EVENT_RETENTION_DAYS must be at least DEDUP_WINDOW_DAYS \(14\)/,
    ],
    [{ AUDIT_RETENTION_DAYS: '20' }, /AUDIT_RETENTION_DAYS must be at least EVENT_RETENTION_DAYS \(30\)/],
    [{ EVENT_RETENTION_DAYS: '0' }, /EVENT_RETENTION_DAYS/],
    [{ AUDIT_RETENTION_DAYS: 'ninety' }, /AUDIT_RETENTION_DAYS/],
  ])('refuses %j with a clear error', (env, problem) => {
    expect(() => loadIngestConfig(env as Record<string, string>)).toThrow(problem);
  });
});
