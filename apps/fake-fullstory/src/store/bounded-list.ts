/** Append-only list keeping the newest `capacity` items; amortised O(1) push, oldest dropped first. */
export class BoundedList<T> {
  private items: T[] = [];
  private start = 0;
  private droppedCount = 0;

  constructor(private capacity: number) {}

  push(item: T): void {
    if (this.capacity <= 0) {
      this.droppedCount++;
      return;
    }
    this.items.push(item);
    if (this.items.length - this.start > this.capacity) {
      this.start++;
      this.droppedCount++;
      if (this.start >= 1024 && this.start * 2 >= this.items.length) {
        this.items = this.items.slice(this.start);
        this.start = 0;
      }
    }
  }

  get length(): number {
    return this.items.length - this.start;
  }

  /** How many items were dropped because of the capacity since the last clear. */
  get dropped(): number {
    return this.droppedCount;
  }

  toArray(): T[] {
    return this.items.slice(this.start);
  }

  /** Keeps only the items matching `keep` (used when a user's data is deleted). */
  retain(keep: (item: T) => boolean): void {
    this.items = this.items.slice(this.start).filter(keep);
    this.start = 0;
  }

  clear(): void {
    this.items = [];
    this.start = 0;
    this.droppedCount = 0;
  }
}
