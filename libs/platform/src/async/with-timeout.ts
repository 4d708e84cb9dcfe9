/**
 * The promise's outcome, or a rejection `no answer within <ms> ms` once `ms` pass first (the timer is cleared
 * either way). The promise itself is not cancelled: for reads whose late answer can simply be dropped, such as the
 * gauges' queries at scrape time.
 */
export function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
