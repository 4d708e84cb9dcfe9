/**
 * One value, loaded at most once per `ttlMs`; callers during a load share it. A failed load is not kept.
 * For answers that are expensive to compute and may be a few seconds old (/metrics: one query and one Redis
 * call per destination), so a fast scraper or an attacker cannot turn scrapes into load.
 */
export class CachedValue<T> {
  private value?: { at: number; value: T };
  private loading?: Promise<T>;

  constructor(
    private readonly ttlMs: number,
    private readonly load: () => Promise<T>,
    private readonly now: () => number = Date.now,
  ) {}

  get(): Promise<T> {
    if (this.value && this.now() - this.value.at < this.ttlMs) return Promise.resolve(this.value.value);
    this.loading ??= this.load()
      .then((value) => {
        this.value = { at: this.now(), value };
        return value;
      })
      .finally(() => {
        this.loading = undefined;
      });
    return this.loading;
  }
}

/** How old a /metrics answer may be by default (METRICS_CACHE_MS). */
export const METRICS_CACHE_MS = 5000;
