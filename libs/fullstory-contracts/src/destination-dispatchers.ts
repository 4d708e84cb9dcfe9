import { Agent, Dispatcher } from 'undici';
import { OutboundPolicy, guardedLookup } from './outbound-policy';

/**
 * One keep-alive connection pool per destination (pass it as `SendOptions.dispatcher`). With one pool shared by
 * every destination, one slow FullStory account held all of the origin's sockets and the others' requests timed
 * out waiting for one. Each pool here has no socket cap of its own: a destination's in-flight requests are already
 * bounded by its queue's concurrency, so a request never waits for a socket and its timeout runs from dispatch.
 */
export class DestinationDispatchers {
  private readonly pools = new Map<string, Agent>();

  /** With a policy, every pool refuses at connect time what FullStoryClient's own pool refuses (SSRF). */
  constructor(private readonly policy?: OutboundPolicy) {}

  /** The pool of one destination, created on first use. */
  for(destinationId: string): Dispatcher {
    let pool = this.pools.get(destinationId);
    if (!pool) {
      pool = new Agent({
        // Checked at connect time, after DNS resolution: a public name may resolve to an internal address.
        ...(this.policy ? { connect: { lookup: guardedLookup(this.policy) } } : {}),
        keepAliveTimeout: 30_000,
        keepAliveMaxTimeout: 600_000,
        pipelining: 1,
      });
      this.pools.set(destinationId, pool);
    }
    return pool;
  }

  /** Closes a removed destination's pool once its requests in flight have ended. */
  async drop(destinationId: string): Promise<void> {
    const pool = this.pools.get(destinationId);
    this.pools.delete(destinationId);
    await pool?.close();
  }

  async close(): Promise<void> {
    const all = [...this.pools.values()];
    this.pools.clear();
    await Promise.all(all.map((p) => p.close()));
  }
}
