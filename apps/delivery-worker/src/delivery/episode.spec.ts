import type { DeliveryJobData } from '@fsd/platform';
import type { Episode } from './decision.types';
import type { LoadedDelivery } from '@fsd/delivery-data';
import { startEpisode } from './episode';

const now = new Date('2026-01-01T12:00:00Z');
const stored = new Date('2026-01-01T11:00:00Z');
const delivery = (over: Partial<LoadedDelivery>) =>
  ({ status: 'pending', lastAttemptNumber: 0, episodeRuns: 0, episodeStartedAt: stored, ...over }) as LoadedDelivery;

describe('startEpisode: which run this job is', () => {
  type Row = [string, Partial<LoadedDelivery>, DeliveryJobData['trigger'], Partial<Episode>];
  it.each<Row>([
    [
      'a new delivery',
      {},
      undefined,
      { attemptNumber: 1, trigger: 'auto', isNew: false, runNumber: 1, startedAt: stored },
    ],
    ['a new delivery, trigger auto', {}, 'auto', { trigger: 'auto', isNew: false }],
    [
      'a retry continues the episode',
      { status: 'retrying', lastAttemptNumber: 3, episodeRuns: 3 },
      'auto',
      { attemptNumber: 4, trigger: 'retry', isNew: false, runNumber: 4, startedAt: stored },
    ],
    [
      'a replay of a delivered delivery starts a new episode',
      { status: 'delivered', lastAttemptNumber: 2, episodeRuns: 2 },
      'replay',
      { attemptNumber: 3, trigger: 'replay', isNew: true, runNumber: 1, startedAt: now },
    ],
    [
      'a replay of a skipped delivery',
      { status: 'skipped', lastAttemptNumber: 1 },
      'replay',
      { trigger: 'replay', isNew: true },
    ],
    [
      'a failed delivery is a redrive, whatever the job says',
      { status: 'failed', lastAttemptNumber: 10, episodeRuns: 10 },
      'auto',
      { attemptNumber: 11, trigger: 'redrive', isNew: true, runNumber: 1, startedAt: now },
    ],
    [
      'a redrive job',
      { status: 'retrying', lastAttemptNumber: 2, episodeRuns: 2 },
      'redrive',
      { trigger: 'redrive', isNew: true, runNumber: 1 },
    ],
  ])('%s', (_name, over, trigger, expected) => {
    const episode = startEpisode(delivery(over), trigger, now);
    expect(episode).toMatchObject(expected);
  });

  it.each<Row>([
    [
      'a retry of the replay job holding the timer continues the replay’s episode',
      { status: 'retrying', lastAttemptNumber: 4, episodeRuns: 1 },
      'replay',
      { attemptNumber: 5, trigger: 'retry', isNew: false, runNumber: 2, startedAt: stored },
    ],
    [
      'a retry of the redrive job holding the timer',
      { status: 'retrying', lastAttemptNumber: 2, episodeRuns: 2 },
      'redrive',
      { trigger: 'retry', isNew: false, runNumber: 3 },
    ],
    [
      'continuing does not apply to a delivery no longer retrying',
      { status: 'failed', lastAttemptNumber: 3, episodeRuns: 3 },
      'replay',
      { trigger: 'replay', isNew: true, runNumber: 1 },
    ],
  ])('continuing: %s', (_name, over, trigger, expected) => {
    expect(startEpisode(delivery(over), trigger, now, true)).toMatchObject(expected);
  });

  it.each<[string, Partial<LoadedDelivery>, DeliveryJobData['trigger']]>([
    ['a delivered delivery', { status: 'delivered', lastAttemptNumber: 1 }, 'auto'],
    ['a skipped delivery', { status: 'skipped', lastAttemptNumber: 1 }, undefined],
  ])('%s: nothing to do', (_name, over, trigger) => {
    expect(startEpisode(delivery(over), trigger, now)).toBeNull();
  });
});
