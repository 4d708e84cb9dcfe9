import { BACKGROUND_JOB_PRIORITY, deliveryJobPriority } from './delivery-queue';

describe('deliveryJobPriority: replay and redrive below live traffic', () => {
  it.each([
    ['a live event', 'auto', {}],
    ['a job without a trigger (live, as the relay adds it)', undefined, {}],
    ['a replay', 'replay', { priority: BACKGROUND_JOB_PRIORITY }],
    ['a redrive', 'redrive', { priority: BACKGROUND_JOB_PRIORITY }],
  ] as const)('%s', (_name, trigger, expected) => {
    expect(deliveryJobPriority(trigger)).toEqual(expected);
  });
});
