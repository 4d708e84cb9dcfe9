import { DeliveryPermits, RUNS_PER_REQUEST_PERMIT } from './delivery-permits';

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

  it("takes a run's request permit back once its requests are answered, and its run once it ends (each once)", async () => {
    const permits = new DeliveryPermits(() => 2);
    await permits.acquire(2);
    const [first, second] = [permits.hold(), permits.hold()];
    const { granted } = track(permits, [1]);
    await settle();
    expect(granted).toEqual([]);
    first.requestsDone();
    first.requestsDone();
    await settle();
    expect(granted).toEqual([0]);
    expect([permits.inFlight, permits.awaitingRecord]).toEqual([2, 1]);
    first.release();
    first.release();
    second.release();
    expect([permits.inFlight, permits.awaitingRecord]).toEqual([1, 0]);
  });

  it('bounds the runs waiting for their record to RUNS_PER_REQUEST_PERMIT times the limit', async () => {
    const permits = new DeliveryPermits(() => 1);
    const runs = [];
    for (let i = 0; i < RUNS_PER_REQUEST_PERMIT; i++) {
      await permits.acquire(1);
      const run = permits.hold();
      run.requestsDone();
      runs.push(run);
    }
    expect([permits.inFlight, permits.awaitingRecord]).toEqual([0, RUNS_PER_REQUEST_PERMIT]);
    const { granted } = track(permits, [1]);
    await settle();
    // No request is in flight, but the runs are at their bound: the next waits for a record.
    expect(granted).toEqual([]);
    runs[0].release();
    await settle();
    expect(granted).toEqual([0]);
    expect([permits.inFlight, permits.awaitingRecord]).toEqual([1, RUNS_PER_REQUEST_PERMIT - 1]);
  });

  it('never reports a capacity below one', () => {
    expect(new DeliveryPermits(() => 0).capacity).toBe(1);
  });
});
