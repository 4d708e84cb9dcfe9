/**
 * One history in time order, built the same way for the audit API (`GET /admin/events/:id`, per delivery) and the
 * operations page (per event): the receipt (when given), every attempt (a request and its response, or a decision
 * without a request) and every status change. At the same instant the receipt comes first, then the attempt, then
 * the status change it caused; otherwise the input order is kept.
 */
export type TimelineEntry<A, S, R = never> =
  | { at: string; kind: 'received'; received: R }
  | { at: string; kind: 'attempt'; attempt: A }
  | { at: string; kind: 'state_change'; stateChange: S };

export interface TimelineInput<A, S, R> {
  attempts: A[];
  stateChanges: S[];
  received?: R;
}

/** Each item's time, as ISO 8601 text (ordered as text). */
export interface TimelineClock<A, S, R> {
  attempt: (a: A) => string;
  stateChange: (s: S) => string;
  received?: (r: R) => string;
}

const RANK = { received: 0, attempt: 1, state_change: 2 } as const;

export function buildTimeline<A, S, R = never>(
  input: TimelineInput<A, S, R>,
  at: TimelineClock<A, S, R>,
): TimelineEntry<A, S, R>[] {
  const entries: TimelineEntry<A, S, R>[] = [];
  if (input.received !== undefined && at.received) {
    entries.push({ at: at.received(input.received), kind: 'received', received: input.received });
  }
  for (const attempt of input.attempts) entries.push({ at: at.attempt(attempt), kind: 'attempt', attempt });
  for (const stateChange of input.stateChanges) {
    entries.push({ at: at.stateChange(stateChange), kind: 'state_change', stateChange });
  }
  // Array.prototype.sort is stable: equal (time, kind) keep their input order.
  return entries.sort((x, y) => (x.at < y.at ? -1 : x.at > y.at ? 1 : RANK[x.kind] - RANK[y.kind]));
}
