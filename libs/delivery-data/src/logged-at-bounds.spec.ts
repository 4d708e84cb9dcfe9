import {
  ALL_PARTITIONS,
  LoggedAtBounds,
  attemptsFrom,
  attemptsFromLoggedTimes,
  boundedFirst,
  claimBounds,
  loggedAtBounds,
} from './logged-at-bounds';

const at = (iso: string) => new Date(iso);

describe('logged_at bounds', () => {
  it('loggedAtBounds: the earliest and latest, a millisecond wider each way', () => {
    expect(
      loggedAtBounds([
        { loggedAt: at('2026-11-30T10:00:00.500Z') },
        { loggedAt: at('2026-11-01T00:00:00.000Z') },
        { loggedAt: at('2026-11-30T09:00:00.000Z') },
      ]),
    ).toEqual([at('2026-10-31T23:59:59.999Z'), at('2026-11-30T10:00:00.501Z')]);
  });

  it('claimBounds: the bounds when every claim names a time', () => {
    expect(
      claimBounds([{ loggedAt: at('2026-11-30T10:00:00.000Z') }, { loggedAt: at('2026-11-29T10:00:00.000Z') }]),
    ).toEqual([at('2026-11-29T09:59:59.999Z'), at('2026-11-30T10:00:00.001Z')]);
  });

  it.each([
    ['one claim names none', [at('2026-11-30T10:00:00.000Z'), undefined]],
    ['one names an invalid time', [at('2026-11-30T10:00:00.000Z'), at('not a time')]],
    ['no claims', []],
  ] as const)('claimBounds: every partition when %s', (_name, times) => {
    expect(claimBounds(times.map((loggedAt) => ({ loggedAt })))).toBe(ALL_PARTITIONS);
  });

  it('attemptsFrom: a day before the earliest logged_at (clock skew between hosts), or no bound', () => {
    expect(attemptsFrom([at('2026-11-30T10:00:00.000Z'), at('2026-11-30T11:00:00.000Z')])).toEqual(
      at('2026-11-29T10:00:00.000Z'),
    );
    expect(attemptsFrom(ALL_PARTITIONS)).toBe('-infinity');
  });

  it.each([
    [
      'Postgres text, microseconds',
      ['2026-11-30 11:00:00.123456+00', '2026-11-30 10:00:00.5+00'],
      at('2026-11-29T10:00:00.500Z'),
    ],
    ['another offset', ['2026-11-30 12:00:00+02'], at('2026-11-29T10:00:00.000Z')],
    ['one time that does not parse', ['2026-11-30 10:00:00+00', 'not a time'], '-infinity'],
  ])('attemptsFromLoggedTimes: a day before the earliest, %s', (_name, times, expected) => {
    expect(attemptsFromLoggedTimes(times)).toEqual(expected);
  });

  it.each([
    ['all found between the bounds: one lookup', ['a', 'b'], ['a', 'b'], false, [['a', 'b']]],
    ['one missed: asked again everywhere', ['a', 'b'], ['a'], false, [['a', 'b'], ['b']]],
    ['bounds already everywhere: never asked twice', ['a', 'b'], ['a'], true, [['a', 'b']]],
  ])('boundedFirst: %s', async (_name, items, inBounds, everywhere, asked) => {
    const bounds: LoggedAtBounds = everywhere
      ? ALL_PARTITIONS
      : [at('2026-11-30T10:00:00Z'), at('2026-11-30T11:00:00Z')];
    const lookups: string[][] = [];
    const found = await boundedFirst(
      items,
      bounds,
      (i) => i,
      async (some, b) => {
        lookups.push(some);
        return new Map(
          some.filter((i) => b === ALL_PARTITIONS || inBounds.includes(i)).map((i) => [i, i.toUpperCase()]),
        );
      },
    );
    expect(lookups).toEqual(asked);
    expect([...found].sort()).toEqual(items.map((i) => [i, i.toUpperCase()]));
  });
});
