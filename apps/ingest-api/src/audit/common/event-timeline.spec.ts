import { buildTimeline } from './event-timeline';

interface Item {
  id: string;
  at: string;
}

const clock = { attempt: (a: Item) => a.at, stateChange: (s: Item) => s.at, received: (r: Item) => r.at };
const T = (s: number) => `2026-03-01T10:00:0${s}.000Z`;

describe('buildTimeline', () => {
  it.each<[string, { attempts: Item[]; stateChanges: Item[]; received?: Item }, string[]]>([
    ['nothing', { attempts: [], stateChanges: [] }, []],
    ['the receipt alone', { attempts: [], stateChanges: [], received: { id: 'r', at: T(0) } }, ['received:r']],
    [
      'attempts and state changes interleaved by time',
      {
        attempts: [
          { id: 'a1', at: T(1) },
          { id: 'a2', at: T(3) },
        ],
        stateChanges: [
          { id: 's1', at: T(2) },
          { id: 's2', at: T(4) },
        ],
      },
      ['attempt:a1', 'state_change:s1', 'attempt:a2', 'state_change:s2'],
    ],
    [
      'at the same instant: receipt, then attempt, then state change',
      {
        attempts: [{ id: 'a', at: T(1) }],
        stateChanges: [{ id: 's', at: T(1) }],
        received: { id: 'r', at: T(1) },
      },
      ['received:r', 'attempt:a', 'state_change:s'],
    ],
    [
      'equal times of one kind keep their input order',
      {
        attempts: [
          { id: 'a2', at: T(1) },
          { id: 'a1', at: T(1) },
        ],
        stateChanges: [],
      },
      ['attempt:a2', 'attempt:a1'],
    ],
    [
      'unsorted input comes out in time order',
      {
        attempts: [
          { id: 'late', at: T(5) },
          { id: 'early', at: T(1) },
        ],
        stateChanges: [{ id: 'mid', at: T(3) }],
        received: { id: 'r', at: T(0) },
      },
      ['received:r', 'attempt:early', 'state_change:mid', 'attempt:late'],
    ],
  ])('%s', (_name, input, expected) => {
    const entries = buildTimeline(input, clock);
    expect(
      entries.map((e) => {
        const item = e.kind === 'received' ? e.received : e.kind === 'attempt' ? e.attempt : e.stateChange;
        return `${e.kind}:${item.id}`;
      }),
    ).toEqual(expected);
  });

  it('leaves the receipt out when no clock for it is given', () => {
    const entries = buildTimeline(
      { attempts: [{ id: 'a', at: T(1) }], stateChanges: [], received: { id: 'r', at: T(0) } },
      { attempt: (a: Item) => a.at, stateChange: (s: Item) => s.at },
    );
    expect(entries).toEqual([{ at: T(1), kind: 'attempt', attempt: { id: 'a', at: T(1) } }]);
  });
});
