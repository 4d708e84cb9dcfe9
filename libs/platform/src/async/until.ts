/**
 * Polls `probe` until it returns a truthy value and resolves with it; rejects naming `what` once `timeoutMs` has
 * passed. For tests that wait for a condition another process or the event loop brings about: a deadline that
 * fails loudly, never a fixed sleep.
 */
export async function until<T>(
  what: string,
  probe: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  timeoutMs = 10_000,
  intervalMs = 10,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() >= deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
