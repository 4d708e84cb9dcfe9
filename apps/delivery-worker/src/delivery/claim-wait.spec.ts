import { CLAIM_POLL_MAX_MS, CLAIM_POLL_MIN_MS, claimWaitMs } from './claim-wait';

describe('claimWaitMs', () => {
  const now = new Date('2026-01-01T00:00:00Z');
  const at = (ms: number) => new Date(now.getTime() + ms);

  it.each([
    ['the lease ends in 400 ms', at(400), 0, 400],
    ['the lease ends in 30 s: asks again after the poll maximum', at(30_000), 0, CLAIM_POLL_MAX_MS],
    ['the lease ends in 10 ms: the minimum', at(10), 0, CLAIM_POLL_MIN_MS],
    ['the lease has expired (the holder is releasing it)', at(-5000), 0, CLAIM_POLL_MIN_MS],
    ['no claim left (released in between)', null, 0, CLAIM_POLL_MIN_MS],
    ['jitter adds up to a fifth', at(500), 0.999999, 600],
    ['jitter on the maximum', at(60_000), 0.5, 1100],
  ])('%s', (_name, claimedUntil, random, expected) => {
    expect(claimWaitMs(claimedUntil, now, () => random)).toBe(expected);
  });
});
