import { basicAuth, waitFor } from '../../support/stack';

/** One answer the ingest API gave to one message. */
export interface SendOutcome {
  messageId: string;
  /** HTTP status, or 0 when the request failed without an answer (connection refused, reset, timeout). */
  status: number;
  body: string;
  /** When the request was sent and when its answer (or failure) came, ms since the epoch. */
  sentAt: number;
  at: number;
}

/** What one event of a load looks like: its name and user (by default 'Fault Test' and one of 50 users). */
export type EventShape = (n: number, messageId: string) => { event: string; userId: string };

export const defaultShape: EventShape = (n) => ({ event: 'Fault Test', userId: `fault-user-${n % 50}` });

/** The Segment track message for the n-th event of a load; `properties.mid` matches FullStory's copy back to it. */
export function trackMessage(shape: EventShape, messageId: string): Record<string, unknown> {
  const n = Number(messageId.slice(messageId.lastIndexOf('-') + 1));
  return { type: 'track', messageId, ...shape(n, messageId), properties: { mid: messageId, n } };
}

/** What a load client sent and what the API answered, message by message. */
export class Ledger {
  readonly outcomes: SendOutcome[] = [];

  /** Every messageId answered 200 at least once. */
  acked(): Set<string> {
    return new Set(this.outcomes.filter((o) => o.status === 200).map((o) => o.messageId));
  }

  /** Messages never answered 200. */
  unacked(): string[] {
    const acked = this.acked();
    return [...new Set(this.outcomes.map((o) => o.messageId))].filter((m) => !acked.has(m));
  }

  /**
   * Answers a Segment client would not retry: anything but 200, no answer (timeout, reset), 429 or 503. On a
   * CPU-starved machine a healthy ingest can be slower than the client's timeout; that must end in a retry
   * that is acknowledged (and stored once), never in a refusal.
   */
  nonRetryable(): SendOutcome[] {
    return this.outcomes.filter((o) => ![200, 0, 429, 503].includes(o.status));
  }

  statusCounts(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const o of this.outcomes) out[o.status] = (out[o.status] ?? 0) + 1;
    return out;
  }

  /** Bodies of the answers that were not 200 (scanned for secrets). */
  errorBodies(): string[] {
    return this.outcomes.filter((o) => o.status !== 200).map((o) => o.body);
  }

  /** Waits until at least `count` messages are acknowledged: the load has reached a known point. */
  async untilAcked(count: number, timeoutMs = 30000): Promise<void> {
    await waitFor(`${count} messages acknowledged`, async () => this.acked().size >= count, timeoutMs, 20);
  }

  /** Waits until some message sent after `since` (ms) is answered with `status`. */
  async untilAnswered(status: number, since: number, timeoutMs = 30000): Promise<SendOutcome> {
    return waitFor(
      `an answer ${status} to a message sent after ${new Date(since).toISOString()}`,
      async () => this.outcomes.find((o) => o.sentAt > since && o.status === status),
      timeoutMs,
      20,
    );
  }
}

/**
 * A Segment client sending single `/v1/track` calls at a steady rate, remembering what the API
 * acknowledged. Every message carries its messageId in `properties.mid`, so what FullStory received
 * can be matched back to it.
 */
export class SteadyLoad extends Ledger {
  private readonly inflight = new Set<Promise<void>>();
  private timer?: NodeJS.Timeout;
  private seq = 0;

  constructor(
    private readonly ingestUrl: string,
    private readonly writeKey: string,
    readonly tag: string,
    private readonly ratePerSecond: number,
    private readonly shape: EventShape = defaultShape,
  ) {
    super();
  }

  /** Starts sending; `stop()` ends it. */
  start(): void {
    const started = Date.now();
    let sent = 0;
    this.timer = setInterval(() => {
      const due = Math.floor(((Date.now() - started) * this.ratePerSecond) / 1000);
      while (sent < due) {
        sent++;
        this.send(`${this.tag}-${this.seq++}`);
      }
    }, 10);
  }

  /** Stops sending and waits for the answers of everything sent. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await Promise.all([...this.inflight]);
  }

  /** Sends until `count` messages are acknowledged, then stops. */
  async runUntilAcked(count: number, timeoutMs = 60000): Promise<void> {
    this.start();
    try {
      await this.untilAcked(count, timeoutMs);
    } finally {
      await this.stop();
    }
  }

  /** Sends one message (again, for a retry) and waits for its answer. */
  send(messageId: string): Promise<void> {
    const body = trackMessage(this.shape, messageId);
    const sentAt = Date.now();
    const p = fetch(`${this.ingestUrl}/v1/track`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: basicAuth(this.writeKey) },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(10000),
    })
      .then(async (res) => {
        this.outcomes.push({ messageId, status: res.status, body: await res.text(), sentAt, at: Date.now() });
      })
      .catch((e: Error) => {
        this.outcomes.push({ messageId, status: 0, body: String(e.message), sentAt, at: Date.now() });
      })
      .finally(() => this.inflight.delete(p));
    this.inflight.add(p);
    return p;
  }

  /** Re-sends every unacknowledged message until each is acknowledged (as a Segment client retries). */
  async retryUntilAcked(timeoutMs = 30000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const missing = this.unacked();
      if (missing.length === 0) return;
      if (Date.now() > deadline) throw new Error(`${missing.length} messages never acknowledged`);
      for (let i = 0; i < missing.length; i += 50) await Promise.all(missing.slice(i, i + 50).map((m) => this.send(m)));
      if (this.unacked().length > 0) await new Promise((r) => setTimeout(r, 500));
    }
  }
}
