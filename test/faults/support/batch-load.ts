import { basicAuth } from '../../support/stack';
import { EventShape, Ledger, defaultShape, trackMessage } from './load';

/**
 * A Segment client sending `/v1/batch` calls from a few concurrent loops (each sends its next batch
 * once the previous one is answered), remembering per message what the API answered. A batch is
 * acknowledged as a whole: every message in it gets the batch's status.
 */
export class BatchLoad extends Ledger {
  private readonly loops: Promise<void>[] = [];
  private running = false;
  private seq = 0;

  constructor(
    private readonly ingestUrl: string,
    private readonly writeKey: string,
    readonly tag: string,
    private readonly batchSize: number,
    private readonly concurrency: number,
    private readonly shape: EventShape = defaultShape,
  ) {
    super();
  }

  /** Batches sent but not answered yet. */
  inFlight = 0;

  start(): void {
    this.running = true;
    for (let i = 0; i < this.concurrency; i++) this.loops.push(this.loop());
  }

  /** Stops sending and waits for the answers of the batches in flight. */
  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops.splice(0));
  }

  private async loop(): Promise<void> {
    while (this.running) {
      const ids = Array.from({ length: this.batchSize }, () => `${this.tag}-${this.seq++}`);
      const answered = await this.send(ids);
      // A refused connection answers at once: back off a little, as a client would, while the API is down.
      if (answered === 0) await new Promise((r) => setTimeout(r, 200));
    }
  }

  /** Sends the messages as one batch; returns its status (0 without an answer). */
  async send(messageIds: string[]): Promise<number> {
    const sentAt = Date.now();
    this.inFlight++;
    let status = 0;
    let body: string;
    try {
      const res = await fetch(`${this.ingestUrl}/v1/batch`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: basicAuth(this.writeKey) },
        body: JSON.stringify({ batch: messageIds.map((m) => trackMessage(this.shape, m)) }),
        signal: AbortSignal.timeout(10000),
      });
      status = res.status;
      body = await res.text();
    } catch (e) {
      status = 0;
      body = String((e as Error).message);
    } finally {
      this.inFlight--;
    }
    const at = Date.now();
    for (const messageId of messageIds) this.outcomes.push({ messageId, status, body, sentAt, at });
    return status;
  }

  /** Re-sends the unacknowledged messages, in batches with the same messageIds, until all are acknowledged. */
  async retryUntilAcked(timeoutMs = 30000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const missing = this.unacked();
      if (missing.length === 0) return;
      if (Date.now() > deadline) throw new Error(`${missing.length} messages never acknowledged`);
      for (let i = 0; i < missing.length; i += this.batchSize) await this.send(missing.slice(i, i + this.batchSize));
      if (this.unacked().length > 0) await new Promise((r) => setTimeout(r, 500));
    }
  }
}
