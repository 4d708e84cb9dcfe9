/**
 * How long a replay's counted progress is served before it is counted again: a multiple of what the last count
 * took, so counting takes at most about a fifth of one database backend per replay however many pages poll it.
 * A small replay (counted in a few ms) is counted on every read; a 200,000-delivery one (~0.5 s) every ~2 s.
 */
export const PROGRESS_COST_FACTOR = 4;
export const PROGRESS_MAX_AGE_CAP_MS = 30_000;

export function progressMaxAgeMs(lastCountMs: number): number {
  if (!Number.isFinite(lastCountMs) || lastCountMs <= 0) return 0;
  return Math.min(lastCountMs * PROGRESS_COST_FACTOR, PROGRESS_MAX_AGE_CAP_MS);
}
