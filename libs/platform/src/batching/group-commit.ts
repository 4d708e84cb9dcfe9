/**
 * Group commit / coalescing: callers submit one item each and wait for their own result, while the items are
 * handled in groups (one statement, one round trip, one WAL flush for many callers). The flush receives a group
 * and answers one result per item, in order; when it throws, every item of the group is rejected with that error.
 */
export interface GroupCommitOptions<T> {
  /** Groups being flushed at once; the next group forms from what arrives meanwhile. Default: no limit. */
  maxInFlight?: number;
  /**
   * While a group is in flight, another starts only once the queued weight reaches this (default: at once, up to
   * maxInFlight). A flush with a fixed cost per group is cheaper per item in fewer, larger groups; a second group
   * in flight pays off only when enough is waiting to keep both busy.
   */
  overlapFromWeight?: number;
  /** The most an item group may hold, counted by `weightOf` (default 1 an item); a heavier item goes alone. */
  maxGroupWeight?: number;
  weightOf?: (item: T) => number;
  /**
   * Items of one key never share a group nor are flushed concurrently: a later item waits until the earlier
   * one's group is done, and they keep their order.
   */
  keyOf?: (item: T) => string;
  /**
   * 'tick': wait for the rest of this event-loop tick before forming a group (so the callers of one tick share
   * it). 'now' (default): a group forms at once whenever fewer than maxInFlight are in flight.
   */
  collect?: 'now' | 'tick';
}

interface Pending<T, R> {
  item: T;
  resolve: (r: R) => void;
  reject: (e: unknown) => void;
}

export class GroupCommit<T, R> {
  private queue: Pending<T, R>[] = [];
  private inFlight = 0;
  private scheduled = false;
  private readonly busyKeys = new Set<string>();
  private readonly maxInFlight: number;
  private readonly maxGroupWeight: number;

  constructor(
    private readonly flush: (items: T[]) => Promise<R[]>,
    private readonly options: GroupCommitOptions<T> = {},
  ) {
    this.maxInFlight = options.maxInFlight ?? Infinity;
    this.maxGroupWeight = options.maxGroupWeight ?? Infinity;
  }

  submit(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (this.options.collect !== 'tick') return this.pump();
      if (this.scheduled) return;
      this.scheduled = true;
      setImmediate(() => {
        this.scheduled = false;
        this.pump();
      });
    });
  }

  /** Items submitted and not answered yet (queued or being flushed). */
  get busy(): boolean {
    return this.inFlight > 0 || this.queue.length > 0;
  }

  private pump(): void {
    while (this.inFlight < this.maxInFlight && this.queue.length > 0) {
      if (this.inFlight > 0 && !this.queuedWeightReaches(this.options.overlapFromWeight ?? 0)) return;
      const group = this.nextGroup();
      if (group.length === 0) return;
      this.inFlight++;
      void this.run(group).finally(() => {
        this.inFlight--;
        if (this.options.keyOf) for (const p of group) this.busyKeys.delete(this.options.keyOf(p.item));
        this.pump();
      });
    }
  }

  private weight(item: T): number {
    return this.options.weightOf ? this.options.weightOf(item) : 1;
  }

  private queuedWeightReaches(threshold: number): boolean {
    let weight = 0;
    for (const p of this.queue) {
      weight += this.weight(p.item);
      if (weight >= threshold) return true;
    }
    return weight >= threshold;
  }

  /** Takes the next group off the queue, in order, skipping items whose key is being flushed. */
  private nextGroup(): Pending<T, R>[] {
    const { keyOf } = this.options;
    const group: Pending<T, R>[] = [];
    const rest: Pending<T, R>[] = [];
    let weight = 0;
    let full = false;
    for (const p of this.queue) {
      const w = this.weight(p.item);
      const key = keyOf?.(p.item);
      if (
        full ||
        (key !== undefined && this.busyKeys.has(key)) ||
        (group.length > 0 && weight + w > this.maxGroupWeight)
      ) {
        // Without keys the group ends at the first item that does not fit, so the order is kept.
        if (!keyOf && group.length > 0) full = true;
        rest.push(p);
        continue;
      }
      group.push(p);
      weight += w;
      if (key !== undefined) this.busyKeys.add(key);
    }
    this.queue = rest;
    return group;
  }

  private async run(group: Pending<T, R>[]): Promise<void> {
    try {
      const results = await this.flush(group.map((p) => p.item));
      group.forEach((p, i) => p.resolve(results[i]));
    } catch (e) {
      for (const p of group) p.reject(e);
    }
  }
}
