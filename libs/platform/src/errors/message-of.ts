/** The message of anything thrown: an Error's message, else its text (a thrown string, a rejected value). */
export function messageOf(e: unknown): string {
  if (e instanceof Error) return e.message;
  if (typeof e === 'string') return e;
  return String(e);
}
