import { Injectable } from '@nestjs/common';
import { Readable } from 'stream';
import { badRequest } from '../../core/errors/app-error';
import { AuditLogRepository } from '../../admin/audit-log/audit-log.repository';
import { ExportQueryDto } from '../query/audit-query.dto';
import { checkRange } from '../query/audit.service';
import { csvField } from './csv-field';
import { deletionLines } from './deletion-export';
import { deletionCsvLines } from './deletion-csv';
import { DeletionReads } from './deletion-reads.repository';
import { AuditReads } from '../common/audit-reads.repository';
import { AttemptRow, DeliveryRow, EventRow, attemptView, deliveryView, eventView } from '../common/audit.views';
import type { LogPosition } from '../common/keyset-cursor';

/** Events per page: what the export holds in memory at once (with their deliveries and attempts). */
export const EXPORT_PAGE = 500;

export const CSV_COLUMNS = [
  'event_id',
  'received_at',
  'source_id',
  'message_id',
  'type',
  'event',
  'user_id',
  'anonymous_id',
  'destination_id',
  'delivery_id',
  'delivery_status',
  'attempt_number',
  'trigger',
  'action',
  'started_at',
  'latency_ms',
  'response_status',
  'decision',
  'error_class',
  'error_message',
] as const;

interface ExportPlan {
  from: string;
  to: string;
  format: 'ndjson' | 'csv';
  kind: 'events' | 'deletions';
  destinationId?: string;
  sourceId?: string;
}

/**
 * Streams events with their deliveries and attempts, oldest first, in constant memory: the log is
 * walked with a keyset on (received_at, id) one page at a time, and the next page is read only when
 * the client has taken the previous one (a pull-based Readable: backpressure from the socket stops
 * the database reads).
 */
@Injectable()
export class ExportService {
  constructor(
    private readonly reads: AuditReads,
    private readonly deletions: DeletionReads,
    private readonly adminLog: AuditLogRepository,
  ) {}

  plan(q: ExportQueryDto): ExportPlan {
    if (q.from === undefined || q.to === undefined) {
      throw badRequest('invalid_request', '"from" and "to" are required (ISO 8601)');
    }
    checkRange(q.from, q.to);
    if (q.kind === 'deletions' && (q.sourceId || q.destinationId)) {
      throw badRequest('invalid_request', 'kind=deletions takes no sourceId or destinationId');
    }
    return {
      from: q.from,
      to: q.to,
      format: q.format ?? 'ndjson',
      kind: q.kind ?? 'events',
      destinationId: q.destinationId,
      sourceId: q.sourceId,
    };
  }

  stream(plan: ExportPlan): Readable {
    return Readable.from(this.lines(plan), { objectMode: false, highWaterMark: 64 * 1024 });
  }

  private async *lines(plan: ExportPlan): AsyncGenerator<string> {
    if (plan.kind === 'deletions') {
      // Deletions alone; in CSV the one way to get them (the events' CSV has one fixed row shape).
      const deletions = deletionLines(this.deletions, plan.from, plan.to);
      yield* plan.format === 'csv' ? deletionCsvLines(deletions) : deletions;
      return;
    }
    yield* this.eventLines(plan);
    // Deletion requests and the admin audit log (`{"adminAudit": …}`) follow the events in NDJSON (the CSV has one
    // fixed row shape: events; kind=deletions gives the deletions as CSV); an export narrowed to a source or
    // destination holds neither.
    if (plan.format !== 'ndjson' || plan.destinationId || plan.sourceId) return;
    yield* deletionLines(this.deletions, plan.from, plan.to);
    for await (const page of this.adminLog.between(plan.from, plan.to)) {
      yield page.map((entry) => `${JSON.stringify({ adminAudit: entry })}\n`).join('');
    }
  }

  private async *eventLines(plan: ExportPlan): AsyncGenerator<string> {
    if (plan.format === 'csv') yield `${CSV_COLUMNS.join(',')}\n`;
    const filter = { from: plan.from, to: plan.to, destinationId: plan.destinationId, sourceId: plan.sourceId };
    let after: LogPosition | undefined;
    for (;;) {
      const events = await this.reads.oldestFirst(filter, after, EXPORT_PAGE, plan.format === 'ndjson');
      if (events.length === 0) return;
      const deliveries = await this.reads.deliveriesOf(events);
      const attempts = await this.reads.attemptsOf(
        deliveries.map((d) => d.id),
        events,
      );
      const byEvent = group(deliveries, (d) => d.event_id ?? '');
      const byDelivery = group(attempts, (a) => a.delivery_id);
      let chunk = '';
      for (const e of events) {
        const ds = byEvent.get(e.id) ?? [];
        if (plan.format === 'ndjson') {
          chunk += `${JSON.stringify({
            ...eventView(e),
            payload: e.payload,
            deliveries: ds.map((d) => ({
              ...deliveryView(d),
              attemptLog: (byDelivery.get(d.id) ?? []).map(attemptView),
            })),
          })}\n`;
        } else {
          chunk += csvRows(e, ds, byDelivery);
        }
      }
      yield chunk;
      if (events.length < EXPORT_PAGE) return;
      const last = events[events.length - 1];
      after = { receivedAt: last.cursor_at, id: last.id };
    }
  }
}

function group<T>(rows: T[], key: (r: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const r of rows) {
    const k = key(r);
    const list = out.get(k);
    if (list) list.push(r);
    else out.set(k, [r]);
  }
  return out;
}

/** One CSV row per attempt; an event without deliveries, or a delivery without attempts, still gets one row. */
function csvRows(e: EventRow, deliveries: DeliveryRow[], attempts: Map<string, AttemptRow[]>): string {
  const ev = [
    e.id,
    e.received_at.toISOString(),
    e.source_id,
    e.message_id,
    e.type,
    e.event_name,
    e.user_id,
    e.anonymous_id,
  ];
  const line = (fields: unknown[]) => `${fields.map(csvField).join(',')}\n`;
  if (deliveries.length === 0) return line([...ev, ...new Array(12).fill(null)]);
  let out = '';
  for (const d of deliveries) {
    const del = [d.destination_id, d.id, d.status];
    const list = attempts.get(d.id) ?? [];
    if (list.length === 0) out += line([...ev, ...del, ...new Array(9).fill(null)]);
    for (const a of list) {
      out += line([
        ...ev,
        ...del,
        a.attempt_number,
        a.trigger,
        a.action,
        a.started_at.toISOString(),
        a.latency_ms,
        a.response_status,
        a.decision,
        a.error_class,
        a.error_message,
      ]);
    }
  }
  return out;
}
