import type { PreparedRequest } from '@fsd/mapping';
import type { BatchKind } from '@fsd/fullstory-contracts';
import type { DeliveryStatus } from '@fsd/platform';
import type { Episode } from '../delivery/decision.types';
import type { AttemptRecord, LoadedDelivery } from '@fsd/delivery-data';
import { PlanDestination, planDelivery } from '../delivery/plan';

/** One request of the slice: an item of a users or events batch job, or a request sent on its own (v1). */
export interface SliceItem {
  deliveryId: string;
  attemptNumber: number;
  subscriptionId: string;
  action: string;
  request: PreparedRequest;
  idempotencyKey?: string;
  kind: BatchKind | 'single';
}

/** A delivery settled without a request (skipped, or failed validation), with its audit rows. */
export interface SettledDelivery {
  deliveryId: string;
  status: Extract<DeliveryStatus, 'skipped' | 'failed'>;
  reason: string | null;
  attempts: AttemptRecord[];
}

export interface SlicePlan {
  items: SliceItem[];
  settled: SettledDelivery[];
  /** Audit rows of subscriptions whose mapping failed, of deliveries that also have items. */
  validationFailures: Map<string, AttemptRecord[]>;
}

/** Which batch job takes a request: the v2 creates of users and events; anything else is sent on its own. */
export function batchKindOf(request: Pick<PreparedRequest, 'method' | 'url'>): BatchKind | 'single' {
  if (request.method !== 'POST') return 'single';
  const path = new URL(request.url).pathname;
  if (path.endsWith('/v2/users')) return 'users';
  if (path.endsWith('/v2/events')) return 'events';
  return 'single';
}

/** A replay's episode of a delivery: always new, one attempt number after its last. */
export function replayEpisode(lastAttemptNumber: number, now: Date): Episode {
  return { attemptNumber: lastAttemptNumber + 1, trigger: 'replay', isNew: true, runNumber: 1, startedAt: now };
}

/**
 * Plans a slice with live delivery's own planner (mapping, filters, suppression, disabled destination), so a
 * batch replay sends exactly what a per-event replay would; only how the requests travel differs.
 */
export function planSlice(
  deliveries: LoadedDelivery[],
  destination: PlanDestination,
  userDeleted: ReadonlySet<string>,
  now: Date,
): SlicePlan {
  const out: SlicePlan = { items: [], settled: [], validationFailures: new Map() };
  // A slice's requests share a handful of URLs: each is parsed once.
  const kinds = new Map<string, BatchKind | 'single'>();
  const kindOf = (request: PreparedRequest) => {
    const key = `${request.method} ${request.url}`;
    let kind = kinds.get(key);
    if (kind === undefined) kinds.set(key, (kind = batchKindOf(request)));
    return kind;
  };
  const sentAlone = (request: PreparedRequest) => kindOf(request) === 'single';
  for (const delivery of deliveries) {
    const episode = replayEpisode(delivery.lastAttemptNumber, now);
    const plan = planDelivery({
      delivery,
      destination,
      episode,
      userDeleted: userDeleted.has(delivery.id),
      now,
      sentAlone,
    });
    if (plan.kind === 'finish') {
      const { status, reason, attempts } = plan.outcome;
      out.settled.push({
        deliveryId: delivery.id,
        status: status === 'skipped' ? 'skipped' : 'failed',
        reason,
        attempts,
      });
      continue;
    }
    if (plan.requests.length === 0) {
      out.settled.push({
        deliveryId: delivery.id,
        status: 'failed',
        reason: plan.validationFailures[0]?.errorMessage ?? null,
        attempts: plan.validationFailures,
      });
      continue;
    }
    if (plan.validationFailures.length > 0) out.validationFailures.set(delivery.id, plan.validationFailures);
    for (const r of plan.requests) {
      out.items.push({
        deliveryId: delivery.id,
        attemptNumber: episode.attemptNumber,
        subscriptionId: r.subscriptionId,
        action: r.action,
        request: r.request,
        ...(r.idempotencyKey === undefined ? {} : { idempotencyKey: r.idempotencyKey }),
        kind: kindOf(r.request),
      });
    }
  }
  return out;
}
