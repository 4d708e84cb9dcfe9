/**
 * Deliveries in flight for one destination, at most its (live, throttled) concurrency, whatever jobs carry them: a
 * group job takes permits for a chunk of its deliveries at once, so the chunk starts in one tick and its claims,
 * checks and records share statements; a single job takes one. Waiters are served in order.
 */
export class DeliveryPermits {
  private active = 0;
  private readonly waiting: { n: number; grant: () => void }[] = [];

  constructor(private readonly limit: () => number) {}

  /** The most one acquire may take: the current limit (at least 1). */
  get capacity(): number {
    return Math.max(1, this.limit());
  }

  acquire(n: number): Promise<void> {
    if (this.waiting.length === 0 && this.fits(n)) {
      this.active += n;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push({ n, grant: resolve }));
  }

  release(n: number): void {
    this.active -= n;
    while (this.waiting.length > 0 && this.fits(this.waiting[0].n)) {
      const next = this.waiting.shift()!;
      this.active += next.n;
      next.grant();
    }
  }

  get inFlight(): number {
    return this.active;
  }

  /** An acquire larger than a limit lowered meanwhile still goes when nothing else is in flight. */
  private fits(n: number): boolean {
    return this.active === 0 || this.active + n <= this.capacity;
  }
}
