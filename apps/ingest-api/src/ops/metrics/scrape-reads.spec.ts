import { forEachDestination, sharedWhileInFlight } from './scrape-reads';

describe('scrape reads', () => {
  it('shares one read among the callers while it is in flight, and reads again after it settled', async () => {
    let reads = 0;
    const ids = sharedWhileInFlight(async () => [`read ${++reads}`]);
    const [a, b] = await Promise.all([ids(), ids()]);
    expect([a, b, reads]).toEqual([['read 1'], ['read 1'], 1]);
    expect(await ids()).toEqual(['read 2']);
  });

  it('reads and sets each destination', async () => {
    const set: [string, number][] = [];
    await forEachDestination(
      async () => ['a', 'b'],
      async (id) => id.charCodeAt(0),
      (id, n) => set.push([id, n]),
    );
    expect(set.sort()).toEqual([
      ['a', 97],
      ['b', 98],
    ]);
  });

  it('fails the collection when one destination’s read fails', async () => {
    await expect(
      forEachDestination(
        async () => ['a'],
        () => Promise.reject(new Error('redis down')),
        () => undefined,
      ),
    ).rejects.toThrow('redis down');
  });
});
