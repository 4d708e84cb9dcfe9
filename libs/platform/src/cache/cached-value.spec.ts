import { CachedValue } from './cached-value';

describe('CachedValue', () => {
  it('loads once per ttl, shares a load in flight, and does not keep a failure', async () => {
    let clock = 0;
    let loads = 0;
    let fail = false;
    const cache = new CachedValue(
      5000,
      async () => {
        loads += 1;
        if (fail) throw new Error('down');
        return `v${loads}`;
      },
      () => clock,
    );
    expect(await Promise.all([cache.get(), cache.get(), cache.get()])).toEqual(['v1', 'v1', 'v1']);
    clock = 4999;
    expect(await cache.get()).toBe('v1');
    clock = 5000;
    fail = true;
    await expect(cache.get()).rejects.toThrow('down');
    fail = false;
    expect(await cache.get()).toBe('v3');
    expect(loads).toBe(3);
  });
});
