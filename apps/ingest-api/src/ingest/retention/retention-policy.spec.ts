import { retentionCutoffs } from './retention-policy';

const settings = { eventRetentionDays: 30, auditRetentionDays: 90, dedupWindowDays: 30 };
const none = { eventDays: null, auditDays: null };

describe('retentionCutoffs', () => {
  it.each([
    // [case, now, settings, overrides, events, dedup, audit]
    ['defaults', '2026-03-31T15:00:00Z', settings, none, '2026-03-01', '2026-03-01', '2025-12-31'],
    ['at midnight', '2026-03-31T00:00:00Z', settings, none, '2026-03-01', '2026-03-01', '2025-12-31'],
    [
      'a longer source event override',
      '2026-03-31T15:00:00Z',
      settings,
      { eventDays: 45, auditDays: null },
      '2026-02-14',
      '2026-03-01',
      '2025-12-31',
    ],
    [
      'a shorter override changes nothing',
      '2026-03-31T15:00:00Z',
      settings,
      { eventDays: 7, auditDays: 10 },
      '2026-03-01',
      '2026-03-01',
      '2025-12-31',
    ],
    [
      'audit never below events',
      '2026-03-31T15:00:00Z',
      { ...settings, auditRetentionDays: 30 },
      { eventDays: 60, auditDays: null },
      '2026-01-30',
      '2026-03-01',
      '2026-01-30',
    ],
    [
      'a longer audit override',
      '2026-03-31T15:00:00Z',
      settings,
      { eventDays: null, auditDays: 365 },
      '2026-03-01',
      '2026-03-01',
      '2025-03-31',
    ],
    [
      'dedup window shorter than events',
      '2026-03-31T15:00:00Z',
      { ...settings, dedupWindowDays: 7, eventRetentionDays: 14 },
      none,
      '2026-03-17',
      '2026-03-24',
      '2025-12-31',
    ],
  ])('%s', (_case, now, s, overrides, events, dedup, audit) => {
    const c = retentionCutoffs(new Date(now), s, overrides);
    expect([c.events, c.dedup, c.audit].map((d) => d.toISOString())).toEqual(
      [events, dedup, audit].map((d) => `${d}T00:00:00.000Z`),
    );
  });

  it('keeps at least the retention in whole days before today, and today', () => {
    const c = retentionCutoffs(new Date('2026-03-31T23:59:59Z'), settings, none);
    expect((new Date('2026-03-31T00:00:00Z').getTime() - c.events.getTime()) / 86_400_000).toBe(30);
    expect(c.eventDays).toBe(30);
    expect(c.auditDays).toBe(90);
  });
});
