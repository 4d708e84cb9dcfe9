import { deliveryGroupIndexKey, deliveryGroupJobs, isDeliveryGroupJob } from './delivery-group';

const members = (...ids: string[]) =>
  ids.map((deliveryId) => ({ deliveryId, loggedAt: `2026-11-30T00:00:0${deliveryId}Z` }));

describe('deliveryGroupJobs', () => {
  it.each([
    { ids: ['1'], max: 50, jobs: [['g1', ['1']]] },
    {
      ids: ['1', '2', '3'],
      max: 2,
      jobs: [
        ['g1', ['1', '2']],
        ['g3', ['3']],
      ],
    },
    {
      ids: ['4', '5', '6', '7'],
      max: 2,
      jobs: [
        ['g4', ['4', '5']],
        ['g6', ['6', '7']],
      ],
    },
    {
      ids: ['9', '8'],
      max: 1,
      jobs: [
        ['g9', ['9']],
        ['g8', ['8']],
      ],
    },
    { ids: [], max: 50, jobs: [] },
  ])('$ids in groups of at most $max → $jobs', ({ ids, max, jobs }) => {
    const made = deliveryGroupJobs(members(...ids), max);
    expect(made.map(([id, data]) => [id, data.group.map((m) => m.deliveryId)])).toEqual(jobs);
    // Every member keeps its partition key.
    expect(made.flatMap(([, data]) => data.group)).toEqual(members(...ids));
  });
});

describe('isDeliveryGroupJob', () => {
  it.each([
    [{ group: [] }, true],
    [{ group: [{ deliveryId: '1' }] }, true],
    [{ deliveryId: '1' }, false],
    [{ deliveryId: '1', trigger: 'auto' }, false],
  ])('%j → %s', (data, expected) => expect(isDeliveryGroupJob(data)).toBe(expected));
});

describe('deliveryGroupIndexKey', () => {
  it("is in the queue's hash tag (one cluster slot with its jobs)", () => {
    expect(deliveryGroupIndexKey('fsd', '42')).toBe('fsd:delivery-{42}:groups');
  });
});
