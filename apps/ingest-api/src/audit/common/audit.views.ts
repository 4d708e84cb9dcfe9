import { redactCredentialHeaders } from '@fsd/platform';

/** Row → JSON shapes of the audit API. */

export interface EventRow {
  id: string;
  cursor_at: string;
  received_at: Date;
  source_id: string;
  message_id: string;
  type: string;
  event_name: string | null;
  user_id: string | null;
  anonymous_id: string | null;
  timestamp: Date;
  payload?: unknown;
  raw?: unknown;
}

export interface DeliveryRow {
  id: string;
  event_id: string | null;
  destination_id: string;
  kind: string;
  status: string;
  attempts: number;
  last_error: string | null;
  created_at: Date;
  updated_at: Date;
  delivered_at: Date | null;
  episode_started_at: Date;
  episode_runs: number;
}

export interface AttemptRow {
  id: string;
  delivery_id: string;
  attempt_number: number;
  trigger: string;
  subscription_id: string | null;
  action: string | null;
  started_at: Date;
  finished_at: Date;
  latency_ms: number | null;
  request_method: string | null;
  request_url: string | null;
  request_headers: Record<string, string> | null;
  request_body: unknown;
  response_status: number | null;
  response_headers: Record<string, string> | null;
  response_body: string | null;
  response_truncated: boolean;
  error_class: string | null;
  error_message: string | null;
  decision: string;
  retry_at: Date | null;
  skip_reason: string | null;
}

export interface StateChangeRow {
  id: string;
  delivery_id: string;
  from_status: string | null;
  to_status: string;
  reason: string | null;
  at: Date;
}

export const EVENT_COLUMNS = `e.id::text AS id, e.received_at::text AS cursor_at, e.received_at, e.source_id::text AS source_id,
  e.message_id, e.type, e.event_name, e.user_id, e.anonymous_id, e."timestamp"`;

export const DELIVERY_COLUMNS = `d.id::text AS id, d.event_id::text AS event_id, d.destination_id::text AS destination_id, d.kind,
  d.status, d.attempts, d.last_error, d.created_at, d.updated_at, d.delivered_at, d.episode_started_at, d.episode_runs`;

export const ATTEMPT_COLUMNS = `a.id::text AS id, a.delivery_id::text AS delivery_id, a.attempt_number, a.trigger, a.subscription_id,
  a.action, a.started_at, a.finished_at, a.latency_ms, a.request_method, a.request_url, a.request_headers, a.request_body,
  a.response_status, a.response_headers, a.response_body, a.response_truncated, a.error_class, a.error_message, a.decision,
  a.retry_at, a.skip_reason`;

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

export function eventView(e: EventRow) {
  return {
    id: e.id,
    receivedAt: iso(e.received_at),
    sourceId: e.source_id,
    messageId: e.message_id,
    type: e.type,
    event: e.event_name,
    userId: e.user_id,
    anonymousId: e.anonymous_id,
    timestamp: iso(e.timestamp),
  };
}

/** A delivery as the list shows it: its status at one destination. */
export function deliverySummary(d: DeliveryRow) {
  return {
    destinationId: d.destination_id,
    deliveryId: d.id,
    status: d.status,
    attempts: d.attempts,
    lastError: d.last_error,
    deliveredAt: iso(d.delivered_at),
  };
}

export function deliveryView(d: DeliveryRow) {
  return {
    ...deliverySummary(d),
    kind: d.kind,
    createdAt: iso(d.created_at),
    updatedAt: iso(d.updated_at),
    episodeStartedAt: iso(d.episode_started_at),
    episodeRuns: d.episode_runs,
  };
}

/** The worker stores credentials redacted already; anything that still looks like one is masked again. */
function redactHeaders(headers: Record<string, string> | null): Record<string, string> | null {
  return headers && redactCredentialHeaders(headers);
}

export function attemptView(a: AttemptRow) {
  return {
    id: a.id,
    attemptNumber: a.attempt_number,
    trigger: a.trigger,
    subscriptionId: a.subscription_id,
    action: a.action,
    startedAt: iso(a.started_at),
    finishedAt: iso(a.finished_at),
    latencyMs: a.latency_ms,
    request: a.request_method
      ? {
          method: a.request_method,
          url: a.request_url,
          headers: redactHeaders(a.request_headers),
          body: a.request_body,
        }
      : null,
    response:
      a.response_status !== null
        ? {
            status: a.response_status,
            headers: a.response_headers,
            body: a.response_body,
            truncated: a.response_truncated,
          }
        : null,
    errorClass: a.error_class,
    errorMessage: a.error_message,
    decision: a.decision,
    retryAt: iso(a.retry_at),
    skipReason: a.skip_reason,
  };
}

export function stateChangeView(s: StateChangeRow) {
  return { id: s.id, from: s.from_status, to: s.to_status, reason: s.reason, at: iso(s.at) };
}
