import { Injectable, Optional } from '@nestjs/common';
import { randomUUID } from 'crypto';
import {
  CallType,
  LIMITS,
  MessageIssue,
  SegmentEvent,
  SegmentMessage,
  isCallType,
  isPlainObject,
  normaliseMessage,
  validateMessage,
} from '@fsd/segment-spec';
import { RejectedItem, badRequest } from '../../core/errors/app-error';
import { EventLogWriter, EventRow } from '../event-log/event-log.writer';
import { IngestMetrics } from '../../ops/metrics/ingest-metrics.service';
import { DeliveryEnqueuer } from '../outbox/delivery-enqueuer.service';
import { AuthenticatedSource } from './write-key.service';
import { RejectedEventsRepository } from './rejected-events.repository';
import { withoutWriteKey } from './without-write-key';

export interface IntakeResult {
  accepted: number;
  duplicates: number;
  rejected: RejectedItem[];
}

function idText(v: unknown): string | null {
  if (typeof v === 'string') return v === '' ? null : v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return null;
}

function messageIdOf(msg: unknown): string | null {
  return isPlainObject(msg) && typeof msg.messageId === 'string' ? msg.messageId : null;
}

/** Validates, normalises and durably stores Segment messages; enqueues their deliveries after the commit. */
@Injectable()
export class TrackingService {
  constructor(
    private readonly writer: EventLogWriter,
    private readonly enqueuer: DeliveryEnqueuer,
    private readonly rejectedEvents: RejectedEventsRepository,
    @Optional() private readonly metrics?: IngestMetrics,
  ) {}

  async single(source: AuthenticatedSource, type: CallType, body: unknown, requestIp: string): Promise<IntakeResult> {
    this.metrics?.received(source.id, type);
    if (!isPlainObject(body)) {
      this.metrics?.rejected(source.id, type);
      throw badRequest('invalid_json', 'The body must be one JSON object');
    }
    const issue = validateMessage(body, type);
    if (issue) this.metrics?.rejected(source.id, type);
    if (issue) throw badRequest(issue.code === 'payload_too_large' ? issue.code : 'invalid_message', issue.message);
    const receivedAt = new Date();
    const event = normaliseMessage(body as SegmentMessage, type, {
      receivedAt,
      requestIp,
      generateMessageId: randomUUID,
    });
    return this.store(source, [{ event, raw: body }], []);
  }

  async batch(source: AuthenticatedSource, body: unknown, requestIp: string): Promise<IntakeResult> {
    if (!isPlainObject(body)) throw badRequest('invalid_json', 'The body must be one JSON object');
    const items = body.batch;
    if (!Array.isArray(items)) throw badRequest('invalid_message', '"batch" must be an array of messages');
    if (items.length === 0) throw badRequest('invalid_message', '"batch" is empty; send at least one message');
    if (items.length > LIMITS.maxBatchItems) {
      throw badRequest(
        'too_many_events',
        `"batch" has ${items.length} messages; at most ${LIMITS.maxBatchItems} are accepted per request, and none of these were stored`,
      );
    }
    const receivedAt = new Date();
    const valid: { event: SegmentEvent; raw: Record<string, unknown> }[] = [];
    const rejected: RejectedItem[] = [];
    items.forEach((item: unknown, index) => {
      this.metrics?.received(source.id, isPlainObject(item) ? item.type : undefined);
      const reject = (issue: Pick<MessageIssue, 'code' | 'message'>) => {
        this.metrics?.rejected(source.id, isPlainObject(item) ? item.type : undefined);
        rejected.push({
          index,
          messageId: messageIdOf(item),
          code: issue.code,
          message: `batch[${index}]: ${issue.message}`,
        });
      };
      if (!isPlainObject(item))
        return reject({ code: 'invalid_message', message: 'each batch item must be a JSON object' });
      if (!isCallType(item.type)) {
        return reject({
          code: 'invalid_message',
          message: `"type" must be one of identify, track, page, screen, group, alias (got ${JSON.stringify(item.type) ?? 'nothing'})`,
        });
      }
      const issue = validateMessage(item, item.type);
      if (issue)
        return reject({
          code: issue.code === 'payload_too_large' ? issue.code : 'invalid_message',
          message: issue.message,
        });
      valid.push({
        raw: item,
        event: normaliseMessage(item as SegmentMessage, item.type, {
          receivedAt,
          requestIp,
          batchSentAt: body.sentAt,
          batchContext: body.context,
          batchIntegrations: body.integrations,
          generateMessageId: randomUUID,
        }),
      });
    });
    if (valid.length === 0) {
      await this.storeRejected(source, receivedAt, items, rejected);
      throw badRequest('invalid_message', 'No message in the batch is valid; nothing was stored', rejected);
    }
    return this.store(source, valid, rejected, items, receivedAt);
  }

  private async store(
    source: AuthenticatedSource,
    valid: { event: SegmentEvent; raw: Record<string, unknown> }[],
    rejected: RejectedItem[],
    items: unknown[] = [],
    receivedAt = new Date(),
  ): Promise<IntakeResult> {
    const rows: EventRow[] = valid.map(({ event, raw }) => ({
      sourceId: source.id,
      messageId: event.messageId,
      type: event.type,
      eventName: typeof event.event === 'string' ? event.event : typeof event.name === 'string' ? event.name : null,
      userId: idText(event.userId),
      anonymousId: idText(event.anonymousId),
      timestamp: event.timestamp,
      receivedAt: event.receivedAt,
      payload: event,
      raw: withoutWriteKey(raw),
    }));
    if (rejected.length > 0) await this.storeRejected(source, receivedAt, items, rejected);
    const results = await this.writer.write(rows);
    let duplicates = 0;
    const deliveries = [];
    for (const [i, r] of results.entries()) {
      if (r.eventId === null) duplicates++;
      else deliveries.push(...r.deliveries);
      if (r.eventId === null) this.metrics?.duplicate(source.id, rows[i].type);
      else this.metrics?.accepted(source.id, rows[i].type);
    }
    this.enqueuer.enqueueInBackground(deliveries);
    return { accepted: rows.length - duplicates, duplicates, rejected };
  }

  private async storeRejected(
    source: AuthenticatedSource,
    receivedAt: Date,
    items: unknown[],
    rejected: RejectedItem[],
  ): Promise<void> {
    await this.rejectedEvents.insert(
      source.id,
      receivedAt,
      rejected.map((r) => ({
        batchIndex: r.index,
        messageId: r.messageId,
        code: r.code,
        message: r.message,
        payload: withoutWriteKey(items[r.index] ?? null),
        userId: idOf(items[r.index], 'userId'),
        anonymousId: idOf(items[r.index], 'anonymousId'),
      })),
    );
  }
}

/** An item's userId or anonymousId as text (Segment accepts numbers), or null when it has none. */
function idOf(item: unknown, key: 'userId' | 'anonymousId'): string | null {
  if (item === null || typeof item !== 'object') return null;
  const v = (item as Record<string, unknown>)[key];
  if (typeof v === 'string') return v === '' ? null : v;
  return typeof v === 'number' && Number.isFinite(v) ? String(v) : null;
}
