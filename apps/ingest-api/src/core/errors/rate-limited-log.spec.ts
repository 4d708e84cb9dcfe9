import { RateLimitedLog } from './rate-limited-log';

describe('RateLimitedLog', () => {
  function setup() {
    const lines: string[] = [];
    let now = 0;
    const log = new RateLimitedLog({ warn: (m) => lines.push(m) }, 10_000, () => now);
    return { lines, log, at: (ms: number) => (now = ms) };
  }

  it('writes the first line of a source, holds back the next within the window, and tells their count after it', () => {
    const { lines, log, at } = setup();
    log.warn('pool', 'reset 1');
    at(1_000);
    log.warn('pool', 'reset 2');
    at(9_999);
    log.warn('pool', 'reset 3');
    at(12_000);
    log.warn('pool', 'reset 4');
    expect(lines).toEqual(['pool: reset 1', 'pool: reset 4 (2 more in the last 12 s)']);
    expect(log.suppressed).toBe(2);
  });

  it('limits each source on its own', () => {
    const { lines, log, at } = setup();
    log.warn('pool', 'a');
    at(500);
    log.warn('read pool', 'b');
    log.warn('pool', 'c');
    expect(lines).toEqual(['pool: a', 'read pool: b']);
    expect(log.suppressed).toBe(1);
  });
});
