import { ArrivalRate, lingerWindowMs } from './linger-window';

describe('lingerWindowMs', () => {
  it.each([
    // perSecond, lingerMs, lingerFromPerSecond, window
    [0, 25, 200, 0],
    [199, 25, 200, 0],
    [200, 25, 200, 25],
    [5000, 25, 200, 25],
    [1, 25, 0, 25], // no threshold: always the window
    [5000, 0, 200, 0], // no window configured
  ])('at %i deliveries/s, a %i ms window from %i/s: %i ms', (perSecond, lingerMs, from, expected) => {
    expect(lingerWindowMs(perSecond, lingerMs, from)).toBe(expected);
  });
});

describe('ArrivalRate', () => {
  const at = (second: number, ms = 0) => second * 1000 + ms;

  it.each<[string, [string, number, number][], number, number]>([
    ['nothing yet', [], at(10), 0],
    [
      'the current second so far',
      [
        ['a', 3, at(10, 100)],
        ['a', 4, at(10, 900)],
      ],
      at(10, 950),
      7,
    ],
    [
      'the busiest destination, not the total',
      [
        ['a', 3, at(10, 100)],
        ['b', 5, at(10, 200)],
        ['c', 4, at(10, 300)],
      ],
      at(10, 400),
      5,
    ],
    [
      'the last whole second, while the current one has less',
      [
        ['a', 50, at(10, 500)],
        ['a', 2, at(11, 10)],
      ],
      at(11, 20),
      50,
    ],
    [
      'the current second, once it has more',
      [
        ['a', 5, at(10, 500)],
        ['b', 9, at(11, 10)],
      ],
      at(11, 20),
      9,
    ],
    ['nothing for a whole second: 0', [['a', 50, at(10, 500)]], at(12, 1), 0],
    [
      'a gap longer than a second forgets the older count',
      [
        ['a', 50, at(10, 500)],
        ['a', 1, at(13, 0)],
      ],
      at(14, 0),
      1,
    ],
  ])('%s', (_name, adds, now, expected) => {
    const rate = new ArrivalRate();
    for (const [destinationId, n, t] of adds) rate.add(destinationId, n, t);
    expect(rate.perSecond(now)).toBe(expected);
  });
});
