/**
 * Deliveries committed per second for the busiest destination: the larger of its count in the last whole second
 * and in the current second so far, so a burst counts from its first commit. Per destination, because a linger
 * window batches each destination's deliveries into its own group jobs: many quiet destinations add up to a high
 * total rate and still batch nothing. A second with no commit at all counts as 0.
 */
export class ArrivalRate {
  private second = 0;
  private counts = new Map<string, number>();
  private currentMax = 0;
  private previousMax = 0;

  add(destinationId: string, deliveries: number, nowMs: number): void {
    this.roll(nowMs);
    const count = (this.counts.get(destinationId) ?? 0) + deliveries;
    this.counts.set(destinationId, count);
    if (count > this.currentMax) this.currentMax = count;
  }

  perSecond(nowMs: number): number {
    this.roll(nowMs);
    return Math.max(this.previousMax, this.currentMax);
  }

  private roll(nowMs: number): void {
    const second = Math.floor(nowMs / 1000);
    if (second === this.second) return;
    this.previousMax = second === this.second + 1 ? this.currentMax : 0;
    this.counts = new Map();
    this.currentMax = 0;
    this.second = second;
  }
}

/**
 * How long committed deliveries wait to be enqueued together: the whole linger window once the busiest destination's
 * deliveries arrive at `lingerFromPerSecond` or faster, else none (the next tick). Below that rate a window holds a
 * delivery or two of a destination, so it would delay them with little to batch; above it, larger group jobs save the
 * worker and Redis work per delivery.
 */
export function lingerWindowMs(perSecond: number, lingerMs: number, lingerFromPerSecond: number): number {
  return perSecond >= lingerFromPerSecond ? lingerMs : 0;
}
