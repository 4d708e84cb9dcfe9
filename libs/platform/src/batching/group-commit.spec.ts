import { GroupCommit } from './group-commit';

/** A flush that records its groups and answers when released. */
function recorder<T>() {
  const groups: T[][] = [];
  const releases: (() => void)[] = [];
  const flush = (items: T[]) =>
    new Promise<string[]>((resolve) => {
      groups.push(items);
      releases.push(() => resolve(items.map((i) => `done ${String(i)}`)));
    });
  return { groups, releases, flush };
}

const settle = () => new Promise((r) => setImmediate(r));

describe('GroupCommit', () => {
  it('flushes at once while below maxInFlight, then groups what arrived meanwhile', async () => {
    const { groups, releases, flush } = recorder<number>();
    const batch = new GroupCommit(flush, { maxInFlight: 2 });
    const results = [1, 2, 3, 4, 5].map((i) => batch.submit(i));
    expect(groups).toEqual([[1], [2]]);
    releases[0]();
    await settle();
    expect(groups).toEqual([[1], [2], [3, 4, 5]]);
    releases[1]();
    releases[2]();
    expect(await Promise.all(results)).toEqual(['done 1', 'done 2', 'done 3', 'done 4', 'done 5']);
    expect(batch.busy).toBe(false);
  });

  it('starts a second group while one is in flight only once overlapFromWeight is queued', async () => {
    const { groups, releases, flush } = recorder<number>();
    const batch = new GroupCommit(flush, { maxInFlight: 2, overlapFromWeight: 5, weightOf: (n) => n });
    const all = [1, 2, 2].map((n) => batch.submit(n));
    // 4 queued behind the first: below 5, they wait for it.
    expect(groups).toEqual([[1]]);
    all.push(batch.submit(1));
    // 5 queued: a second group starts beside the first.
    expect(groups).toEqual([[1], [2, 2, 1]]);
    all.push(batch.submit(3));
    // Two in flight (maxInFlight): 3 waits, whatever its weight.
    expect(groups).toHaveLength(2);
    releases[0]();
    await settle();
    // One still in flight and 3 queued: below 5, it waits.
    expect(groups).toHaveLength(2);
    releases[1]();
    await settle();
    // None in flight: what is queued goes at once, below the threshold or not.
    expect(groups).toEqual([[1], [2, 2, 1], [3]]);
    releases[2]();
    expect(await Promise.all(all)).toEqual(['done 1', 'done 2', 'done 2', 'done 1', 'done 3']);
  });

  it("'tick' collects the submissions of one tick into one group, without an in-flight limit", async () => {
    const { groups, releases, flush } = recorder<string>();
    const batch = new GroupCommit(flush, { collect: 'tick' });
    const first = [batch.submit('a'), batch.submit('b')];
    expect(groups).toEqual([]);
    await settle();
    const second = batch.submit('c');
    await settle();
    expect(groups).toEqual([['a', 'b'], ['c']]);
    releases.forEach((r) => r());
    expect(await Promise.all([...first, second])).toEqual(['done a', 'done b', 'done c']);
  });

  it('ends a group at the first item over maxGroupWeight, keeping the order; a heavy item goes alone', async () => {
    const { groups, releases, flush } = recorder<number>();
    const batch = new GroupCommit(flush, { maxInFlight: 1, maxGroupWeight: 5, weightOf: (n) => n });
    const all = [1, 2, 2, 1, 9, 1].map((n) => batch.submit(n));
    for (let i = 0; i < 4; i++) {
      releases[i]();
      await settle();
    }
    expect(groups).toEqual([[1], [2, 2, 1], [9], [1]]);
    expect(await Promise.all(all)).toHaveLength(6);
  });

  it('never puts two items of one key in a group or in flight together, and keeps their order', async () => {
    const { groups, releases, flush } = recorder<{ k: string; n: number }>();
    const batch = new GroupCommit(flush, { maxInFlight: 2, keyOf: (i) => i.k });
    const all = [
      { k: 'a', n: 1 },
      { k: 'b', n: 1 },
      { k: 'a', n: 2 },
      { k: 'c', n: 1 },
      { k: 'a', n: 3 },
    ].map((i) => batch.submit(i));
    const names = () => groups.map((g) => g.map((i) => `${i.k}${i.n}`));
    expect(names()).toEqual([['a1'], ['b1']]);
    releases[0]();
    await settle();
    expect(names()).toEqual([['a1'], ['b1'], ['a2', 'c1']]);
    releases[1]();
    await settle();
    expect(names()).toEqual([['a1'], ['b1'], ['a2', 'c1']]);
    releases[2]();
    await settle();
    expect(names()).toEqual([['a1'], ['b1'], ['a2', 'c1'], ['a3']]);
    releases[3]();
    expect(await Promise.all(all)).toHaveLength(5);
  });

  it('rejects every item of a group whose flush throws, and goes on with the next group', async () => {
    let calls = 0;
    const batch = new GroupCommit<number, number>(
      async (items) => {
        calls++;
        if (items.includes(2)) throw new Error('bad group');
        return items.map((i) => i * 10);
      },
      { collect: 'tick' },
    );
    const bad = await Promise.allSettled([batch.submit(1), batch.submit(2)]);
    expect(bad.map((s) => s.status)).toEqual(['rejected', 'rejected']);
    expect((bad[0] as PromiseRejectedResult).reason).toEqual(new Error('bad group'));
    expect(await batch.submit(3)).toBe(30);
    expect(calls).toBe(2);
  });
});
