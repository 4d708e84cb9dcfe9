import { until } from './until';

describe('until', () => {
  it('resolves with the first truthy value', async () => {
    let calls = 0;
    await expect(until('the third call', () => (++calls === 3 ? 'third' : null))).resolves.toBe('third');
    expect(calls).toBe(3);
  });

  it('awaits an async probe', async () => {
    await expect(until('an async value', async () => 42)).resolves.toBe(42);
  });

  it('rejects naming what it waited for once the deadline has passed', async () => {
    await expect(until('a condition that never holds', () => false, 30, 5)).rejects.toThrow(
      'timed out waiting for a condition that never holds',
    );
  });
});
