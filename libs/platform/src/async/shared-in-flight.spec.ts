import { SharedInFlight } from './shared-in-flight';

/** A read whose answer the test gives. */
function controlled<V>(): {
  read: () => Promise<V>;
  answer: (v: V) => void;
  fail: (e: Error) => void;
  started: () => number;
} {
  const pending: { resolve: (v: V) => void; reject: (e: Error) => void }[] = [];
  return {
    read: () => new Promise<V>((resolve, reject) => pending.push({ resolve, reject })),
    answer: (v) => pending.shift()!.resolve(v),
    fail: (e) => pending.shift()!.reject(e),
    started: () => pending.length,
  };
}

describe('SharedInFlight', () => {
  it('shares one read per key among the callers while it is in flight, and reads again after it settled', async () => {
    const reads = new SharedInFlight<string, number>();
    const a = controlled<number>();
    const first = [reads.run('a', a.read), reads.run('a', a.read)];
    const other = reads.run('b', async () => 2);
    expect(a.started()).toBe(1);
    a.answer(1);
    expect(await Promise.all([...first, other])).toEqual([1, 1, 2]);
    const again = reads.run('a', a.read);
    expect(a.started()).toBe(1);
    a.answer(3);
    expect(await again).toBe(3);
  });

  it('reads again after a failed read, whose callers all see its error', async () => {
    const reads = new SharedInFlight<string, number>();
    const a = controlled<number>();
    const failing = [reads.run('a', a.read), reads.run('a', a.read)];
    a.fail(new Error('db down'));
    const outcomes = await Promise.all(failing.map((p) => p.then(String, (e: Error) => e.message)));
    expect(outcomes).toEqual(['db down', 'db down']);
    const next = reads.run('a', a.read);
    a.answer(4);
    expect(await next).toBe(4);
  });

  it('after forget() or clear(), a new read; the forgotten one settling does not drop it', async () => {
    for (const drop of [
      (r: SharedInFlight<string, number>) => r.forget('a'),
      (r: SharedInFlight<string, number>) => r.clear(),
    ]) {
      const reads = new SharedInFlight<string, number>();
      const a = controlled<number>();
      const old = reads.run('a', a.read);
      drop(reads);
      const fresh = reads.run('a', a.read);
      expect(a.started()).toBe(2);
      a.answer(1);
      expect(await old).toBe(1);
      // The newer read is still the one shared.
      expect(reads.run('a', a.read)).toBe(fresh);
      a.answer(2);
      expect(await fresh).toBe(2);
    }
  });
});
