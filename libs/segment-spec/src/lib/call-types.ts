/** The six Segment call types accepted by the Tracking API (`segment-ingest.md` §1, §4). */
export const CALL_TYPES = Object.freeze(['identify', 'track', 'page', 'screen', 'group', 'alias'] as const);

export type CallType = (typeof CALL_TYPES)[number];

const CALL_TYPE_SET: ReadonlySet<string> = new Set<string>(CALL_TYPES);

/** True when `v` is exactly one of {@link CALL_TYPES} (case-sensitive). */
export function isCallType(v: unknown): v is CallType {
  return typeof v === 'string' && CALL_TYPE_SET.has(v);
}
