/**
 * One read per key at a time: the callers that ask for a key while its read is in flight share that read, and the
 * next caller after it settles starts a new one. For caches refreshed on demand, whose expiry would otherwise send
 * one identical query per waiting caller. Whether a read's answer may be kept is the cache's own decision.
 */
export class SharedInFlight<K, V> {
  private readonly reads = new Map<K, Promise<V>>();

  /** The read in flight for `key`, or `read()` started now and shared until it settles. */
  run(key: K, read: () => Promise<V>): Promise<V> {
    const inFlight = this.reads.get(key);
    if (inFlight) return inFlight;
    const started = read();
    this.reads.set(key, started);
    // Only this read's own entry: after forget(), a newer read of the key may hold it.
    const settle = () => {
      if (this.reads.get(key) === started) this.reads.delete(key);
    };
    started.then(settle, settle);
    return started;
  }

  /** The next caller of `key` starts a new read (one in flight still answers those that share it). */
  forget(key: K): void {
    this.reads.delete(key);
  }

  /** forget() for every key. */
  clear(): void {
    this.reads.clear();
  }
}
