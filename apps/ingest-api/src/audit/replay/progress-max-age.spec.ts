import { PROGRESS_MAX_AGE_CAP_MS, progressMaxAgeMs } from './progress-max-age';

describe('progressMaxAgeMs', () => {
  it.each([
    ['a count that took nothing is never reused', 0, 0],
    ['a negative duration (clock step) is never reused', -5, 0],
    ['not a number is never reused', Number.NaN, 0],
    ['a 3 ms count (small replay) is reused for 12 ms', 3, 12],
    ['a 450 ms count (200,000 deliveries) is reused for 1.8 s', 450, 1800],
    ['7.5 s is the last duration below the cap', 7_499, 29_996],
    ['a 60 s count is reused at most 30 s', 60_000, PROGRESS_MAX_AGE_CAP_MS],
    ['an infinite duration is never reused', Number.POSITIVE_INFINITY, 0],
  ])('%s', (_name, lastCountMs, expected) => {
    expect(progressMaxAgeMs(lastCountMs)).toBe(expected);
  });
});
