import { buildTimeline } from '../../audit/common/event-timeline';
import type { EventHit } from './ops-queries.repository';

export interface TimelineRow {
  at: string;
  kind: 'received' | 'state' | 'attempt';
  deliveryId: string | null;
  destination: string | null;
  summary: string;
  detail: Record<string, unknown>;
}

/** A state change as the operations page reads it (with its destination's name). */
export type StateChangeRecord = Record<string, unknown> & { at: unknown; delivery: unknown; destination: unknown };
/** An attempt as the operations page reads it (with its destination's name). */
export type AttemptRecord = Record<string, unknown> & { at: unknown; delivery: unknown; destination: unknown };

const iso = (v: unknown) => new Date(v as string).toISOString();

/** The operations page's timeline of one event: the shared timeline, each entry summarised in one line. */
export function timelineRows(event: EventHit, states: StateChangeRecord[], attempts: AttemptRecord[]): TimelineRow[] {
  return buildTimeline(
    { received: event, attempts, stateChanges: states },
    { received: (e) => iso(e.receivedAt), attempt: (a) => iso(a.at), stateChange: (s) => iso(s.at) },
  ).map((entry): TimelineRow => {
    if (entry.kind === 'received') {
      const e = entry.received;
      return {
        at: entry.at,
        kind: 'received',
        deliveryId: null,
        destination: null,
        summary: `received ${e.type}${e.eventName ? ` "${e.eventName}"` : ''}`,
        detail: { messageId: e.messageId, sourceId: e.sourceId },
      };
    }
    if (entry.kind === 'state_change') {
      const s = entry.stateChange;
      return {
        at: entry.at,
        kind: 'state',
        deliveryId: String(s.delivery),
        destination: String(s.destination),
        summary: `${String(s.from_status ?? 'new')} → ${String(s.to_status)}${s.reason ? ` (${String(s.reason)})` : ''}`,
        detail: {},
      };
    }
    const a = entry.attempt;
    return {
      at: entry.at,
      kind: 'attempt',
      deliveryId: String(a.delivery),
      destination: String(a.destination),
      summary:
        `#${String(a.attempt_number)} ${String(a.trigger)} ${String(a.action ?? '')} → ${String(a.decision)}` +
        (a.response_status ? ` (HTTP ${String(a.response_status)}, ${String(a.latency_ms ?? '?')} ms)` : '') +
        (a.error_message ? `: ${String(a.error_message)}` : ''),
      detail: {
        trigger: a.trigger,
        decision: a.decision,
        request: a.request_method ? `${String(a.request_method)} ${String(a.request_url)}` : null,
        errorClass: a.error_class,
        retryAt: a.retry_at,
        skipReason: a.skip_reason,
      },
    };
  });
}
