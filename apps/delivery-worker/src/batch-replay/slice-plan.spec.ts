import { batchKindOf, replayEpisode } from './slice-plan';

describe('batchKindOf', () => {
  it.each([
    ['POST', 'https://api.fullstory.com/v2/users', 'users'],
    ['POST', 'https://api.eu1.fullstory.com/v2/events', 'events'],
    ['POST', 'https://api.fullstory.com/users/v1/individual/u/customvars', 'single'],
    ['POST', 'https://api.fullstory.com/users/v1/individual/u/customevent', 'single'],
    ['DELETE', 'https://api.fullstory.com/v2/users?uid=u', 'single'],
    ['POST', 'https://api.fullstory.com/v2/users/batch', 'single'],
  ] as const)('%s %s → %s', (method, url, kind) => {
    expect(batchKindOf({ method, url })).toBe(kind);
  });
});

describe('replayEpisode', () => {
  it('is a new replay episode one attempt after the last', () => {
    const now = new Date();
    expect(replayEpisode(4, now)).toEqual({
      attemptNumber: 5,
      trigger: 'replay',
      isNew: true,
      runNumber: 1,
      startedAt: now,
    });
  });
});
