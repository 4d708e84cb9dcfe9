import { UNLIMITED_PER_SECOND, queueStateChanges } from './live-settings';

describe('queueStateChanges', () => {
  const applied = { maxConcurrency: 100, concurrency: 100, rateLimitPerSecond: 0, enabled: true };
  const desired = { concurrency: 100, rateLimitPerSecond: 0, enabled: true, paused: false };
  const none = { concurrency: null, limiterMax: null, pauseQueue: null, promoteDelayed: false };

  it.each([
    ['nothing changed', applied, desired, false, none],
    ['nothing changed while throttled by 429s', { ...applied, concurrency: 12 }, desired, false, none],
    ['concurrency lowered', applied, { ...desired, concurrency: 5 }, false, { ...none, concurrency: 5 }],
    [
      'concurrency raised while throttled: the new setting wins',
      { ...applied, concurrency: 3 },
      { ...desired, concurrency: 200 },
      false,
      { ...none, concurrency: 200 },
    ],
    ['rate limit set', applied, { ...desired, rateLimitPerSecond: 7 }, false, { ...none, limiterMax: 7 }],
    [
      'rate limit removed',
      { ...applied, rateLimitPerSecond: 7 },
      desired,
      false,
      { ...none, limiterMax: UNLIMITED_PER_SECOND },
    ],
    ['paused in the table, queue running', applied, { ...desired, paused: true }, false, { ...none, pauseQueue: true }],
    ['paused, queue already paused', applied, { ...desired, paused: true }, true, none],
    ['resumed in the table, queue still paused', applied, desired, true, { ...none, pauseQueue: false }],
    ['disabled', applied, { ...desired, enabled: false }, false, { ...none, promoteDelayed: true }],
    ['still disabled', { ...applied, enabled: false }, { ...desired, enabled: false }, false, none],
    ['enabled again', { ...applied, enabled: false }, desired, false, none],
  ])('%s', (_name, a, d, queuePaused, expected) => {
    expect(queueStateChanges(a, d, queuePaused)).toEqual(expected);
  });
});
