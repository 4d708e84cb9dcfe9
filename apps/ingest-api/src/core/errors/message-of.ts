/** The message of anything thrown (no `(e as Error)` casts): an Error's or error-like object's message, else its text. */
export function messageOf(e: unknown): string {
  if (e instanceof Error) return e.message;
  const message = typeof e === 'object' && e !== null ? (e as { message?: unknown }).message : undefined;
  return typeof message === 'string' ? message : String(e);
}
