import { timeRange } from './batch-slices';

describe('timeRange: the earliest and latest logged_at of a slice, as its job carries them', () => {
  it.each([
    ['none', [], undefined],
    ['one', ['2026-11-30T10:00:00.000Z'], ['2026-11-30T10:00:00.000Z', '2026-11-30T10:00:00.000Z']],
    [
      'out of order, over days and years',
      ['2026-11-30T10:00:00.000Z', '2025-12-31T23:59:59.999Z', '2026-11-30T10:00:00.001Z', '2026-01-01T00:00:00.000Z'],
      ['2025-12-31T23:59:59.999Z', '2026-11-30T10:00:00.001Z'],
    ],
  ] as const)('%s', (_name, times, expected) => {
    expect(timeRange([...times])).toEqual(expected);
  });
});
