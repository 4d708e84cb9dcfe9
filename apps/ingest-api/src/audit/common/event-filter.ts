import { storableText } from '@fsd/platform';
import { SqlParams } from './sql-params';

export const DELIVERY_STATUSES = ['pending', 'retrying', 'delivered', 'failed', 'skipped'] as const;
export type DeliveryStatusFilter = (typeof DELIVERY_STATUSES)[number];

/** Replay selects events by how they fared at the replay's destination. */
export const REPLAY_STATUSES = ['any', 'failed', 'delivered', 'undelivered'] as const;
export type ReplayStatusFilter = (typeof REPLAY_STATUSES)[number];

/** What selects events from the log: every field optional, all given fields must hold. */
export interface EventFilter {
  /** Inclusive lower bound on received_at (ISO 8601). */
  from?: string;
  /** Exclusive upper bound on received_at (ISO 8601). */
  to?: string;
  messageId?: string;
  userIds?: string[];
  anonymousId?: string;
  types?: string[];
  eventNames?: string[];
  sourceId?: string;
  /** Events from any of these sources. */
  sourceIds?: string[];
  /**
   * Replay: only events from sources connected to this destination now (`destination_sources`), so a
   * replay never sends one source's events to a destination (a FullStory account) that source does not feed.
   */
  connectedTo?: string;
  /** Audit: events with a delivery to this destination (in `deliveryStatus` when given). */
  destinationId?: string;
  deliveryStatus?: DeliveryStatusFilter;
  /** Replay: events by their delivery status at `replayDestinationId` (which need not have a delivery row). */
  replayDestinationId?: string;
  replayStatus?: ReplayStatusFilter;
}

/**
 * The one WHERE clause builder for events (`e`): the audit list, the export, the replay's dry-run
 * count and the replay's walk all use it, so a dry run counts exactly what a real run matches.
 * Conditions map onto the indexes described in migration AuditReplay1764400000000; the time bounds
 * also prune the daily partitions.
 */
export function eventConditions(filter: EventFilter, p: SqlParams, e = 'e'): string[] {
  const f = storableFilter(filter);
  const where: string[] = [];
  if (f.from !== undefined) where.push(`${e}.received_at >= ${p.add(f.from)}::timestamptz`);
  if (f.to !== undefined) where.push(`${e}.received_at < ${p.add(f.to)}::timestamptz`);
  if (f.messageId !== undefined) where.push(`${e}.message_id = ${p.add(f.messageId)}`);
  if (f.userIds !== undefined) {
    where.push(
      f.userIds.length === 1
        ? `${e}.user_id = ${p.add(f.userIds[0])}`
        : `${e}.user_id = ANY(${p.add(f.userIds)}::text[])`,
    );
  }
  if (f.anonymousId !== undefined) where.push(`${e}.anonymous_id = ${p.add(f.anonymousId)}`);
  if (f.types !== undefined) {
    where.push(
      f.types.length === 1 ? `${e}.type = ${p.add(f.types[0])}` : `${e}.type = ANY(${p.add(f.types)}::text[])`,
    );
  }
  if (f.eventNames !== undefined) {
    where.push(
      f.eventNames.length === 1
        ? `${e}.event_name = ${p.add(f.eventNames[0])}`
        : `${e}.event_name = ANY(${p.add(f.eventNames)}::text[])`,
    );
  }
  if (f.sourceId !== undefined) where.push(`${e}.source_id = ${p.add(f.sourceId)}::uuid`);
  if (f.sourceIds !== undefined) {
    where.push(
      f.sourceIds.length === 1
        ? `${e}.source_id = ${p.add(f.sourceIds[0])}::uuid`
        : `${e}.source_id = ANY(${p.add(f.sourceIds)}::uuid[])`,
    );
  }
  if (f.connectedTo !== undefined) {
    where.push(
      `EXISTS (SELECT 1 FROM destination_sources ds WHERE ds.destination_id = ${p.add(f.connectedTo)}::uuid AND ds.source_id = ${e}.source_id)`,
    );
  }

  if (f.destinationId !== undefined || f.deliveryStatus !== undefined) {
    const d: string[] = [`d.event_id = ${e}.id`];
    if (f.destinationId !== undefined) d.push(`d.destination_id = ${p.add(f.destinationId)}::uuid`);
    if (f.deliveryStatus !== undefined) d.push(`d.status = ${p.add(f.deliveryStatus)}`);
    where.push(`EXISTS (SELECT 1 FROM deliveries d WHERE ${d.join(' AND ')})`);
  }

  if (f.replayDestinationId !== undefined && f.replayStatus !== undefined && f.replayStatus !== 'any') {
    const dest = p.add(f.replayDestinationId);
    const at = `d.event_id = ${e}.id AND d.destination_id = ${dest}::uuid`;
    if (f.replayStatus === 'undelivered') {
      // Never delivered there: no delivery row yet (source not connected), or pending/retrying/failed/skipped.
      where.push(`NOT EXISTS (SELECT 1 FROM deliveries d WHERE ${at} AND d.status = 'delivered')`);
    } else {
      where.push(`EXISTS (SELECT 1 FROM deliveries d WHERE ${at} AND d.status = ${p.add(f.replayStatus)})`);
    }
  }
  return where;
}

/**
 * The text filters as the indexed columns hold them: NUL and lone surrogates are stored escaped
 * (storableText), so an event is found by its original value and such a value never reaches Postgres raw.
 */
function storableFilter(f: EventFilter): EventFilter {
  const many = (v: string[] | undefined) => v?.map(storableText);
  const one = (v: string | undefined) => (v === undefined ? undefined : storableText(v));
  return {
    ...f,
    messageId: one(f.messageId),
    anonymousId: one(f.anonymousId),
    userIds: many(f.userIds),
    types: many(f.types),
    eventNames: many(f.eventNames),
  };
}

export function whereClause(conditions: string[]): string {
  return conditions.length === 0 ? 'TRUE' : conditions.join(' AND ');
}
