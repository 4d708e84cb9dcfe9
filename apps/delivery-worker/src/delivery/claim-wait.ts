/** The longest a job that found its delivery claimed waits before it asks again: the holder usually ends sooner. */
export const CLAIM_POLL_MAX_MS = 1000;
/** The shortest wait: the holder is writing its outcome, or its claim has just expired. */
export const CLAIM_POLL_MIN_MS = 100;

/**
 * How long a job whose delivery another job holds waits before it tries again (the job is delayed, not failed,
 * and uses no attempt): until the holder's lease ends, but no longer than CLAIM_POLL_MAX_MS, since the holder
 * releases the claim as soon as it records its outcome; jittered by up to a fifth so waiting jobs do not
 * come back together.
 */
export function claimWaitMs(claimedUntil: Date | null, now: Date, random: () => number = Math.random): number {
  const untilExpiry = claimedUntil === null ? 0 : claimedUntil.getTime() - now.getTime();
  const base = Math.min(CLAIM_POLL_MAX_MS, Math.max(CLAIM_POLL_MIN_MS, untilExpiry));
  return Math.round(base * (1 + random() * 0.2));
}
