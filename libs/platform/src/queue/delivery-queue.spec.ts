import {
  BACKGROUND_COMPLETED_RETENTION,
  BACKGROUND_JOB_PRIORITY,
  DEFAULT_JOB_OPTIONS,
  completedJobRetention,
  deliveryJobPriority,
  deliveryQueueName,
  destinationIdFromQueue,
} from './delivery-queue';

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

describe('completedJobRetention: live jobs leave Redis when done, replay and redrive jobs stay an hour', () => {
  it.each([
    ['a live event', 'auto', true],
    ['a job without a trigger (live, as the relay adds it)', undefined, true],
    [
      'a replay (the relay must find it, or it would add it again and send again)',
      'replay',
      BACKGROUND_COMPLETED_RETENTION,
    ],
    ['a redrive', 'redrive', BACKGROUND_COMPLETED_RETENTION],
  ] as const)('%s', (_name, trigger, expected) => {
    expect(completedJobRetention(trigger)).toEqual({ removeOnComplete: expected });
  });

  it('the default options are a live job’s', () => {
    expect(DEFAULT_JOB_OPTIONS.removeOnComplete).toBe(true);
  });
});

describe('deliveryQueueName: one hash slot per destination queue', () => {
  const id = '0b9f6c1e-3a52-4a7e-9a52-2f7d3c1a9e10';

  it('tags the destination id, so a cluster hashes only it for every key of the queue', () => {
    const name = deliveryQueueName(id);
    expect(name).toBe(`delivery-{${id}}`);
    // Redis hashes the text between the first `{` and the next `}` of a key.
    const tag = (key: string) => key.slice(key.indexOf('{') + 1, key.indexOf('}', key.indexOf('{')));
    expect(tag(`fsd:${name}:wait`)).toBe(id);
    expect(tag(`fsd:${name}:d42-r7`)).toBe(id);
  });

  it.each([
    [deliveryQueueName(id), id],
    [`delivery-${id}`, undefined],
    ['delivery-{}', undefined],
    ['other-{x}', undefined],
  ])('destinationIdFromQueue(%j) is %j', (name, expected) => {
    expect(destinationIdFromQueue(name)).toBe(expected);
  });
});
