/** Cells a spreadsheet would evaluate as a formula (OWASP CSV injection): =, +, -, @, tab, carriage return. */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * One CSV cell (RFC 4180): quoted when it holds a quote, comma or line break, quotes doubled; a
 * string that a spreadsheet would read as a formula is prefixed with a single quote, so it shows as
 * text. Numbers are ours (ids, counts, latencies), never user text, so they are written as they are.
 */
export function csvField(v: unknown): string {
  if (v === null || v === undefined) return '';
  const raw = typeof v === 'string' ? v : String(v);
  const s = typeof v === 'string' && FORMULA_START.test(raw) ? `'${raw}` : raw;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
