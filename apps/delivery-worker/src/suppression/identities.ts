import type { LoadedDelivery } from '@fsd/delivery-data';
import type { PlanDestination } from '../delivery/plan';

/**
 * The ids of an event to look up in the suppression list: its userId and anonymousId, unless the
 * destination opted out (settings.suppressDeletedUsers = false), the destination cannot map anyway,
 * or the delivery is itself a deletion.
 */
export function identitiesToCheck(
  delivery: Pick<LoadedDelivery, 'kind' | 'event'>,
  destination: Pick<PlanDestination, 'compiled' | 'settings'>,
): string[] {
  if (!destination.compiled || !destination.settings.suppressDeletedUsers || delivery.kind === 'deletion') return [];
  const out: string[] = [];
  for (const key of ['userId', 'anonymousId'] as const) {
    const v = delivery.event?.[key];
    if (typeof v === 'string' && v !== '') out.push(v);
    else if (typeof v === 'number' && Number.isFinite(v)) out.push(String(v));
  }
  return out;
}
