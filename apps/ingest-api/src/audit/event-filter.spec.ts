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
