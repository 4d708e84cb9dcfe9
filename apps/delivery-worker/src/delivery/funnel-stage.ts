import type { AttemptRecord, FunnelStage } from '@fsd/delivery-data';
import type { DeliveryStatus } from '@fsd/platform';
import { SKIP_FILTERED, SKIP_INTEGRATIONS_OFF, SKIP_NOT_SUBSCRIBED } from './plan';

const SKIP_STAGES: Record<string, FunnelStage> = {
  [SKIP_INTEGRATIONS_OFF]: 'blockedByIntegrations',
  [SKIP_FILTERED]: 'filtered',
  [SKIP_NOT_SUBSCRIBED]: 'noMatchingSubscription',
};

/**
 * The delivery funnel's stage of a run's outcome: a skip by its reason (the event's `integrations`, the
 * trigger's filters, no subscription matched; any other skip stays `skipped`), a failure caused by a mapping
 * that could not build its request as `mappingError`, otherwise the status itself.
 */
export function funnelStageOf(outcome: {
  status: DeliveryStatus;
  reason: string | null;
  attempts: Pick<AttemptRecord, 'decision' | 'errorClass' | 'subscriptionId'>[];
}): FunnelStage {
  if (outcome.status === 'skipped') return SKIP_STAGES[outcome.reason ?? ''] ?? 'skipped';
  if (outcome.status === 'failed') {
    const first = outcome.attempts.find((a) => a.decision === 'failed_permanently');
    const mapping = first?.errorClass === 'validation' && first.subscriptionId !== null;
    return mapping ? 'mappingError' : 'failed';
  }
  return outcome.status === 'pending' ? 'received' : outcome.status;
}
