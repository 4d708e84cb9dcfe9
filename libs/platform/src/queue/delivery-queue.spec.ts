import {
  BACKGROUND_JOB_PRIORITY,
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
