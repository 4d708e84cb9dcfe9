import type { DeliveryStatus } from '@fsd/platform';
import type { AttemptRecord, BatchAttemptRecord, SliceOutcome } from '@fsd/delivery-data';
import type { SliceItem } from './slice-plan';

/** One audit row of one item (a batch job's item, or a request sent on its own), in one round. */
export interface ItemAttempt {
  item: SliceItem;
  record: BatchAttemptRecord;
}

function asBatchRecord(a: AttemptRecord): BatchAttemptRecord {
  return { ...a, batchJobId: null, batchIndex: null };
}

/**
 * Each delivery's new status from its items' rows: failed when any item (or a mapping) failed permanently,
 * delivered when every item's last row is delivered, and pending when an item was never sent (the replay was
 * cancelled first: the delivery is left to the outbox relay, as a per-event replay's cancelled jobs are).
 */
export function sliceOutcomes(
  items: SliceItem[],
  attempts: ItemAttempt[],
  validationFailures: Map<string, AttemptRecord[]>,
): Omit<SliceOutcome, 'loadedAttempts' | 'loggedAt'>[] {
  const rowsOf = new Map<string, BatchAttemptRecord[]>();
  const lastOf = new Map<SliceItem, BatchAttemptRecord>();
  for (const a of attempts) {
    lastOf.set(a.item, a.record);
    const rows = rowsOf.get(a.item.deliveryId) ?? [];
    rows.push(a.record);
    rowsOf.set(a.item.deliveryId, rows);
  }
  const byDelivery = new Map<string, SliceItem[]>();
  for (const item of items) byDelivery.set(item.deliveryId, [...(byDelivery.get(item.deliveryId) ?? []), item]);
  const out: Omit<SliceOutcome, 'loadedAttempts' | 'loggedAt'>[] = [];
  for (const [deliveryId, its] of byDelivery) {
    const invalid = validationFailures.get(deliveryId) ?? [];
    const rows = [...invalid.map(asBatchRecord), ...(rowsOf.get(deliveryId) ?? [])];
    const lasts = its.map((i) => lastOf.get(i));
    const failedRow = [...invalid, ...lasts].find((r) => r?.decision === 'failed_permanently');
    let status: DeliveryStatus;
    let reason: string | null = null;
    if (failedRow) {
      status = 'failed';
      reason = failedRow.errorMessage ?? 'failed permanently';
    } else if (lasts.some((r) => r === undefined || r.decision !== 'delivered')) {
      status = 'pending';
      reason = 'batch replay cancelled before sending';
    } else status = 'delivered';
    out.push({ deliveryId, status, reason, attempts: rows });
  }
  return out;
}
