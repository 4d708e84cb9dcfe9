import { unconnectedSources } from './replay-scope';

const A = '11111111-1111-4111-8111-111111111111';
const B = '22222222-2222-4222-8222-222222222222';
const C = '33333333-3333-4333-8333-333333333333';

describe('unconnectedSources', () => {
  it.each([
    ['all connected', [A], [A, B], []],
    ['one of two not connected', [A, C], [A, B], [C]],
    ['nothing connected', [A, B], [], [A, B]],
    ['upper-case uuid matches its stored form', [A.toUpperCase()], [A], []],
    ['named twice, reported once', [C, C.toUpperCase()], [A], [C]],
  ])('%s', (_name, requested, connected, expected) => {
    expect(unconnectedSources(requested, connected)).toEqual(expected);
  });
});
