import { attemptRow, type AttemptRecord } from '@fsd/delivery-data';
import type { Outcome } from './decision.types';
import { funnelStageOf } from './funnel-stage';
import { DESTINATION_DISABLED, SKIP_FILTERED, SKIP_INTEGRATIONS_OFF, SKIP_NOT_SUBSCRIBED } from './plan';

const at = new Date('2026-01-01T00:00:00Z');
const row = (fields: Partial<AttemptRecord>) => attemptRow({ attemptNumber: 1, trigger: 'auto' }, at, at, fields);
const mapping = row({ subscriptionId: 's1', decision: 'failed_permanently', errorClass: 'validation' });
const config = row({ decision: 'failed_permanently', errorClass: 'validation', errorMessage: 'configuration' });
const rejected = row({ subscriptionId: 's2', decision: 'failed_permanently', errorClass: 'http_4xx' });
const sent = row({ subscriptionId: 's2', decision: 'delivered' });

describe('funnelStageOf', () => {
  it.each<[string, Outcome['status'], string | null, AttemptRecord[], string]>([
    ['integrations off', 'skipped', SKIP_INTEGRATIONS_OFF, [], 'blockedByIntegrations'],
    ['filtered by the trigger', 'skipped', SKIP_FILTERED, [], 'filtered'],
    ['no subscription matched', 'skipped', SKIP_NOT_SUBSCRIBED, [], 'noMatchingSubscription'],
    ['destination disabled', 'skipped', DESTINATION_DISABLED, [], 'skipped'],
    ['user suppressed', 'skipped', 'suppressed: the user was deleted', [], 'skipped'],
    ['skip without reason', 'skipped', null, [], 'skipped'],
    ['a mapping could not build its request', 'failed', 'bad', [mapping, sent], 'mappingError'],
    ['FullStory refused the request', 'failed', 'bad', [rejected], 'failed'],
    ['configuration invalid (no subscription)', 'failed', 'configuration', [config], 'failed'],
    ['failed earlier in the episode', 'failed', 'earlier', [sent], 'failed'],
    ['delivered', 'delivered', 'delivered', [sent], 'delivered'],
    ['retrying', 'retrying', '503', [], 'retrying'],
  ])('%s', (_case, status, reason, attempts, stage) => {
    expect(funnelStageOf({ status, reason, attempts })).toBe(stage);
  });
});
