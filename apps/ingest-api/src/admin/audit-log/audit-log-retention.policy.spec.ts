import { AuditLogPartition, auditLogCutoff, expiredPartitions, monthsToEnsure } from './audit-log-retention.policy';

const month = (ym: string, next: string): AuditLogPartition => ({
  name: `admin_audit_log_p${ym.replace('-', '')}`,
  from: new Date(`${ym}-01T00:00:00Z`),
  to: new Date(`${next}-01T00:00:00Z`),
});

describe('audit log retention policy', () => {
  it.each([
    ['a year back', '2026-11-29T12:00:00Z', 365, '2025-11-29T12:00:00Z'],
    ['thirty days back', '2026-03-01T00:00:00Z', 30, '2026-01-30T00:00:00Z'],
  ])('keeps entries from the cutoff on: %s', (_name, now, days, cutoff) => {
    expect(auditLogCutoff(new Date(now), days).toISOString()).toBe(new Date(cutoff).toISOString());
  });

  const partitions = [month('2025-10', '2025-11'), month('2025-11', '2025-12'), month('2025-12', '2026-01')];
  it.each([
    ['before any month ends', '2025-10-31T23:59:59Z', []],
    ['exactly when a month ends', '2025-11-01T00:00:00Z', ['admin_audit_log_p202510']],
    ['inside the next month: it holds younger entries', '2025-11-29T12:00:00Z', ['admin_audit_log_p202510']],
    [
      'after two months',
      '2026-01-01T00:00:00Z',
      ['admin_audit_log_p202510', 'admin_audit_log_p202511', 'admin_audit_log_p202512'],
    ],
  ])('drops the months wholly older than the cutoff: %s', (_name, cutoff, names) => {
    expect(expiredPartitions(partitions, new Date(cutoff)).map((p) => p.name)).toEqual(names);
  });

  it.each([
    ['mid-month', '2026-11-29T12:00:00Z', '2026-11-01', '2027-02-01'],
    ['the first instant of a month', '2026-12-01T00:00:00Z', '2026-12-01', '2027-03-01'],
    ['the last instant of a year', '2026-12-31T23:59:59Z', '2026-12-01', '2027-03-01'],
  ])('ensures this month and three ahead: %s', (_name, now, first, last) => {
    const months = monthsToEnsure(new Date(now));
    expect(months.first.toISOString().slice(0, 10)).toBe(first);
    expect(months.last.toISOString().slice(0, 10)).toBe(last);
  });
});
