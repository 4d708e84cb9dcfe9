export interface WarnSink {
  warn(message: string): void;
}

/**
 * Warnings that can come in bursts (a pool's idle connections dropped at once, a Redis reconnect loop): at most
 * one line per `everyMs` per source; the lines held back are counted and the count is told on the next line,
 * so nothing is dropped without a trace.
 */
export class RateLimitedLog {
  private readonly sources = new Map<string, { lastAt: number; held: number }>();
  private heldTotal = 0;

  constructor(
    private readonly sink: WarnSink,
    private readonly everyMs = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  warn(source: string, message: string): void {
    const at = this.now();
    const state = this.sources.get(source);
    if (state && at - state.lastAt < this.everyMs) {
      state.held++;
      this.heldTotal++;
      return;
    }
    const held = state?.held ?? 0;
    this.sources.set(source, { lastAt: at, held: 0 });
    this.sink.warn(`${source}: ${message}${held > 0 ? ` (${held} more in the last ${this.since(state, at)})` : ''}`);
  }

  /** Lines held back since the start, over every source. */
  get suppressed(): number {
    return this.heldTotal;
  }

  private since(state: { lastAt: number } | undefined, at: number): string {
    return `${Math.round((at - (state?.lastAt ?? at)) / 1000)} s`;
  }
}
