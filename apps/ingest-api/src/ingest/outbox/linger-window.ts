/**
 * Deliveries committed per second: the larger of the last whole second's count and the current second's so far,
 * so a burst counts from its first commit. A second with no commit at all counts as 0.
 */
export class ArrivalRate {
  private second = 0;
  private current = 0;
  private previous = 0;

  add(deliveries: number, nowMs: number): void {
    this.roll(nowMs);
    this.current += deliveries;
  }

  perSecond(nowMs: number): number {
    this.roll(nowMs);
    return Math.max(this.previous, this.current);
  }

  private roll(nowMs: number): void {
    const second = Math.floor(nowMs / 1000);
    if (second === this.second) return;
    this.previous = second === this.second + 1 ? this.current : 0;
    this.current = 0;
    this.second = second;
  }
}

/**
 * How long committed deliveries wait to be enqueued together: the whole linger window once they arrive at
 * `lingerFromPerSecond` or faster, else none (the next tick). Below that rate a window holds a delivery or two, so
 * it would delay them with little to batch; above it, larger group jobs save the worker and Redis work per delivery.
 */
export function lingerWindowMs(perSecond: number, lingerMs: number, lingerFromPerSecond: number): number {
  return perSecond >= lingerFromPerSecond ? lingerMs : 0;
}
