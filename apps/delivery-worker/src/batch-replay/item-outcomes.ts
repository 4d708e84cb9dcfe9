/** What became of one item of a batch job. */
export type ItemOutcome = { imported: true } | { imported: false; code: string; message: string; transient: boolean };

interface ItemError {
  code?: unknown;
  message?: unknown;
  user?: unknown;
  event?: unknown;
}

/** FullStory error codes that say "try again", not "this item is wrong". */
const TRANSIENT_CODES = new Set([
  'internal',
  'unavailable',
  'deadline_exceeded',
  'resource_exhausted',
  'aborted',
  'too_many_requests',
  'unknown',
]);

export function isTransientCode(code: string): boolean {
  return TRANSIENT_CODES.has(code);
}

/** JSON with object keys sorted: the same value always gives the same text, whatever order FullStory echoes. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)))
      : v,
  );
}

/**
 * Which items of a job failed: FullStory's errors echo the failed request (`user` or `event`), not its index,
 * so each error is matched to the first not yet matched item with the same body (errors come in request order;
 * identical bodies are interchangeable). Every other item was imported. An error that matches no item is
 * returned apart (`unmatched`), so the caller can log it rather than drop it silently.
 */
export function itemOutcomes(
  requests: unknown[],
  errors: ItemError[],
): { outcomes: ItemOutcome[]; unmatched: ItemError[] } {
  const outcomes: ItemOutcome[] = requests.map(() => ({ imported: true }));
  const unmatched: ItemError[] = [];
  if (errors.length === 0) return { outcomes, unmatched };
  const byBody = new Map<string, number[]>();
  requests.forEach((r, i) => {
    const key = canonicalJson(r);
    const list = byBody.get(key);
    if (list) list.push(i);
    else byBody.set(key, [i]);
  });
  for (const e of errors) {
    const index = byBody.get(canonicalJson(e.user ?? e.event))?.shift();
    if (index === undefined) {
      unmatched.push(e);
      continue;
    }
    const code = typeof e.code === 'string' ? e.code : 'unknown';
    const message = typeof e.message === 'string' ? e.message : '';
    outcomes[index] = { imported: false, code, message, transient: isTransientCode(code) };
  }
  return { outcomes, unmatched };
}
