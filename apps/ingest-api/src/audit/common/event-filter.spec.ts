import { eventConditions } from './event-filter';
import { SqlParams } from './sql-params';

describe('eventConditions: text filters as the indexed columns hold them', () => {
  it.each([
    ['messageId', { messageId: 'm\u0000x' }, ['m\\u0000x']],
    ['anonymousId', { anonymousId: 'a\ud800' }, ['a\\ud800']],
    ['one userId', { userIds: ['u\u0000'] }, ['u\\u0000']],
    ['several userIds', { userIds: ['u\u0000', 'plain'] }, [['u\\u0000', 'plain']]],
    ['event names', { eventNames: ['E\udfff'] }, ['E\\udfff']],
    ['plain text is untouched', { messageId: 'plain ü 😀' }, ['plain ü 😀']],
  ])('%s', (_name, filter, values) => {
    const p = new SqlParams();
    eventConditions(filter, p);
    expect(p.values).toEqual(values);
  });
});

describe('eventConditions: the source scope of a replay', () => {
  const DEST = 'dddddddd-dddd-4ddd-8ddd-dddddddddddd';
  const S1 = '11111111-1111-4111-8111-111111111111';
  const S2 = '22222222-2222-4222-8222-222222222222';
  const connected = `EXISTS (SELECT 1 FROM destination_sources ds WHERE ds.destination_id = $1::uuid AND ds.source_id = e.source_id)`;
  it.each([
    ['no source conditions when none asked', {}, [], []],
    ['connected to the destination', { connectedTo: DEST }, [connected], [DEST]],
    ['one source', { sourceIds: [S1] }, ['e.source_id = $1::uuid'], [S1]],
    ['several sources', { sourceIds: [S1, S2] }, ['e.source_id = ANY($1::uuid[])'], [[S1, S2]]],
    [
      'narrowed and connected, both must hold',
      { sourceIds: [S1], connectedTo: DEST },
      [
        'e.source_id = $1::uuid',
        `EXISTS (SELECT 1 FROM destination_sources ds WHERE ds.destination_id = $2::uuid AND ds.source_id = e.source_id)`,
      ],
      [S1, DEST],
    ],
  ])('%s', (_name, filter, conditions, values) => {
    const p = new SqlParams();
    expect(eventConditions(filter, p)).toEqual(conditions);
    expect(p.values).toEqual(values);
  });
});
