import { DeliveryPermits } from './delivery-permits';

/** Resolves with the order in which the acquires were granted. */
function track(permits: DeliveryPermits, sizes: number[]): { granted: number[]; done: Promise<void>[] } {
  const granted: number[] = [];
  const done = sizes.map((n, i) => permits.acquire(n).then(() => void granted.push(i)));
  return { granted, done };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('DeliveryPermits', () => {
  it('grants at once within the limit, then in order as permits come back', async () => {
    let limit = 4;
    const permits = new DeliveryPermits(() => limit);
    const { granted } = track(permits, [3, 2, 1]);
    await settle();
    // 3 fit; 2 does not, and 1 waits behind it (in order).
    expect(granted).toEqual([0]);
    expect(permits.inFlight).toBe(3);
    permits.release(1);
    await settle();
    // 2 + 2 fill the limit; the 1 behind waits for the next permit back.
    expect(granted).toEqual([0, 1]);
    expect(permits.inFlight).toBe(4);
    permits.release(2);
    await settle();
    expect(granted).toEqual([0, 1, 2]);
    expect(permits.inFlight).toBe(3);
    limit = 2;
    expect(permits.capacity).toBe(2);
  });

  it('lets an acquire larger than a lowered limit go once nothing is in flight', async () => {
    let limit = 10;
    const permits = new DeliveryPermits(() => limit);
    await permits.acquire(1);
    limit = 2;
    const { granted } = track(permits, [5]);
    await settle();
    expect(granted).toEqual([]);
    permits.release(1);
    await settle();
    expect(granted).toEqual([0]);
    expect(permits.inFlight).toBe(5);
  });

  it('never reports a capacity below one', () => {
    expect(new DeliveryPermits(() => 0).capacity).toBe(1);
  });
});
