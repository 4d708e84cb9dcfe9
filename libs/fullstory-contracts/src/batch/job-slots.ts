/**
 * FullStory runs at most 100 batch jobs per account at a time; more are accepted but wait, and at 200 it
 * answers 429 (fullstory-api.md §3.12). This keeps one process's jobs per account under the running cap, so
 * its jobs never queue behind each other at FullStory and never reach the 429 threshold on their own.
 */
export class JobSlots {
  private readonly inUse = new Map<string, number>();
  private readonly waiting = new Map<string, (() => void)[]>();

  constructor(private readonly perAccount: number) {}

  async acquire(account: string): Promise<void> {
    const used = this.inUse.get(account) ?? 0;
    if (used < this.perAccount) {
      this.inUse.set(account, used + 1);
      return;
    }
    await new Promise<void>((resolve) => {
      const queue = this.waiting.get(account) ?? [];
      queue.push(resolve);
      this.waiting.set(account, queue);
    });
  }

  /** Hands the slot to the next waiter of the account, if any (the count stays), or frees it. */
  release(account: string): void {
    const next = this.waiting.get(account)?.shift();
    if (next) return next();
    const used = (this.inUse.get(account) ?? 1) - 1;
    if (used <= 0) this.inUse.delete(account);
    else this.inUse.set(account, used);
  }

  held(account: string): number {
    return this.inUse.get(account) ?? 0;
  }
}
