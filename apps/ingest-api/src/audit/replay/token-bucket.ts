/**
 * A token bucket: `take(n)` resolves when n tokens are available at `ratePerSecond`, with bursts up to
 * one second's worth. A take larger than the bucket borrows and waits the debt off, so the long-run
 * rate holds for any page size.
 */
export class TokenBucket {
  private tokens: number;
  private last = Date.now();

  constructor(
    readonly ratePerSecond: number,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {
    this.tokens = ratePerSecond;
  }

  async take(n: number): Promise<void> {
    const now = Date.now();
    this.tokens = Math.min(this.ratePerSecond, this.tokens + ((now - this.last) / 1000) * this.ratePerSecond);
    this.last = now;
    this.tokens -= n;
    if (this.tokens < 0) await this.sleep(Math.ceil((-this.tokens / this.ratePerSecond) * 1000));
  }
}
