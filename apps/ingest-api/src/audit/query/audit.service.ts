import { Injectable } from '@nestjs/common';
import { badRequest, notFound } from '../../core/errors/app-error';
import { EventsQueryDto } from './audit-query.dto';
import { AuditReads, EventKey } from '../common/audit-reads.repository';
import {
  DeliveryRow,
  attemptView,
  deliveryView,
  deliverySummary,
  eventView,
  stateChangeView,
} from '../common/audit.views';
import { buildTimeline } from '../common/event-timeline';
import { EventFilter } from '../common/event-filter';
import { decodeCursor, encodeCursor } from '../common/keyset-cursor';

export const DEFAULT_PAGE = 50;
export const MAX_PAGE = 500;

export function checkRange(from: string | undefined, to: string | undefined): void {
  if (from !== undefined && to !== undefined && Date.parse(from) >= Date.parse(to)) {
    throw badRequest('invalid_range', '"from" must be before "to"');
  }
}

/**
 * Read side of the audit trail: events newest first with their delivery status per destination,
 * one event with its whole timeline. Pages are keyset-paged on (received_at, id), so page N costs
 * the same as page 1 on tens of millions of rows.
 */
@Injectable()
export class AuditService {
  constructor(private readonly reads: AuditReads) {}

  async list(q: EventsQueryDto) {
    checkRange(q.from, q.to);
    const limit = q.limit === undefined ? DEFAULT_PAGE : Number(q.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) {
      throw badRequest('invalid_request', `limit must be an integer from 1 to ${MAX_PAGE}`);
    }
    const filter: EventFilter = {
      from: q.from,
      to: q.to,
      messageId: q.messageId,
      userIds: q.userId === undefined ? undefined : [q.userId],
      anonymousId: q.anonymousId,
      types: q.type === undefined ? undefined : [q.type],
      eventNames: q.event === undefined ? undefined : [q.event],
      sourceId: q.sourceId,
      destinationId: q.destinationId,
      deliveryStatus: q.status,
    };
    const before = q.cursor === undefined ? undefined : decodeCursor(q.cursor);
    const rows = await this.reads.newestFirst(filter, before, limit + 1);
    const more = rows.length > limit;
    const page = more ? rows.slice(0, limit) : rows;
    const deliveries = await this.deliveriesOf(page);
    const last = page[page.length - 1];
    return {
      events: page.map((e) => ({
        ...eventView(e),
        deliveries: (deliveries.get(e.id) ?? []).map(deliverySummary),
      })),
      nextCursor: more && last ? encodeCursor({ receivedAt: last.cursor_at, id: last.id }) : null,
    };
  }

  async get(id: string) {
    if (!/^\d{1,18}$/.test(id)) throw notFound(`No event ${id}`);
    const e = await this.reads.event(id);
    if (!e) throw notFound(`No event ${id}`);
    const deliveries = (await this.deliveriesOf([e])).get(e.id) ?? [];
    const ids = deliveries.map((d) => d.id);
    const [attempts, changes] = await Promise.all([
      this.reads.attemptsOf(ids, [e]),
      this.reads.stateChangesOf(ids, [e]),
    ]);
    return {
      event: { ...eventView(e), raw: e.raw, payload: e.payload },
      deliveries: deliveries.map((d) => {
        const attemptLog = attempts.filter((a) => a.delivery_id === d.id).map(attemptView);
        const stateChanges = changes.filter((s) => s.delivery_id === d.id).map(stateChangeView);
        // One chronological timeline: every request/response (or decision) and every status change.
        const timeline = buildTimeline(
          { attempts: attemptLog, stateChanges },
          { attempt: (a) => a.startedAt ?? '', stateChange: (c) => c.at ?? '' },
        );
        return { ...deliveryView(d), attemptLog, stateChanges, timeline };
      }),
    };
  }

  /** Deliveries of the given events, grouped by event id (one query, by the (event_id, ...) unique index). */
  async deliveriesOf(events: EventKey[]): Promise<Map<string, DeliveryRow[]>> {
    const out = new Map<string, DeliveryRow[]>();
    for (const d of await this.reads.deliveriesOf(events)) {
      const key = d.event_id ?? '';
      const list = out.get(key) ?? [];
      list.push(d);
      out.set(key, list);
    }
    return out;
  }
}
