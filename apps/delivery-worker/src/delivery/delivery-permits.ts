/**
 * Runs of deliveries at most this many times the concurrency, counting those whose requests were answered and whose
 * outcome waits for its record statement. Those hold their request's and response's bodies (a response is read up
 * to 1 MiB), so the bound is what keeps the worker's memory bounded when Postgres falls behind.
 */
export const RUNS_PER_REQUEST_PERMIT = 4;

/** One run's hold on the permits: its request permit until its requests are answered, its run until it ends. */
export interface DeliveryPermit {
  /** The run's requests were all answered (or failed): another run may send. Later calls: no-op. */
  requestsDone(): void;
  /** The run ended (its outcome recorded, or nothing to record). Later calls: no-op. */
  release(): void;
}

/**
 * Requests to FullStory in flight for one destination, at most its (live, throttled) concurrency, whatever jobs
 * carry them: a group job takes permits for a chunk of its deliveries at once, so the chunk starts in one tick and
 * its claims, checks and records share statements; a single job takes one. A run gives its request permit back once
 * its requests are answered, before its outcome is recorded: the next requests go out while the record statement
 * runs, and more outcomes share it. Runs not yet recorded are bounded too (RUNS_PER_REQUEST_PERMIT). Waiters are
 * served in order.
 */
export class DeliveryPermits {
  private sending = 0;
  private recording = 0;
  private readonly waiting: { n: number; grant: () => void }[] = [];

  constructor(private readonly limit: () => number) {}

  /** The most one acquire may take: the current limit (at least 1). */
  get capacity(): number {
    return Math.max(1, this.limit());
  }

  /** Takes `n` permits; each is then given back through `hold()` (one per run) or `release(k)`. */
  acquire(n: number): Promise<void> {
    if (this.waiting.length === 0 && this.fits(n)) {
      this.sending += n;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push({ n, grant: resolve }));
  }

  /** Gives back `n` acquired permits of runs that did not start. */
  release(n: number): void {
    this.sending -= n;
    this.grant();
  }

  /** One acquired permit, handed to the run that uses it. */
  hold(): DeliveryPermit {
    let stage: 'sending' | 'recording' | 'ended' = 'sending';
    return {
      requestsDone: () => {
        if (stage !== 'sending') return;
        stage = 'recording';
        this.sending -= 1;
        this.recording += 1;
        this.grant();
      },
      release: () => {
        if (stage === 'ended') return;
        if (stage === 'sending') this.sending -= 1;
        else this.recording -= 1;
        stage = 'ended';
        this.grant();
      },
    };
  }

  /** Runs sending requests. */
  get inFlight(): number {
    return this.sending;
  }

  /** Runs whose requests were answered, waiting for their outcome's record. */
  get awaitingRecord(): number {
    return this.recording;
  }

  private grant(): void {
    while (this.waiting.length > 0 && this.fits(this.waiting[0].n)) {
      const next = this.waiting.shift()!;
      this.sending += next.n;
      next.grant();
    }
  }

  /** An acquire larger than a limit lowered meanwhile still goes when nothing else is in flight. */
  private fits(n: number): boolean {
    const runs = this.sending + this.recording;
    const requestsFit = this.sending === 0 || this.sending + n <= this.capacity;
    const runsFit = runs === 0 || runs + n <= this.capacity * RUNS_PER_REQUEST_PERMIT;
    return requestsFit && runsFit;
  }
}
