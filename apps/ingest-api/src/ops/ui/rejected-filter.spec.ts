import { pageFilter } from './rejected-filter';

const SOURCE = '5b0e7c3e-8f0a-4c9e-9d51-0f6f2f1f0a11';

describe('pageFilter', () => {
  it.each([
    ['nothing', {}, {}],
    ['empty fields', { sourceId: '', code: ' ', from: '', to: '', cursor: '' }, {}],
    [
      'a source and a code',
      { sourceId: SOURCE, code: 'invalid_message' },
      { sourceId: SOURCE, code: 'invalid_message' },
    ],
    [
      'a datetime-local range, read as UTC',
      { from: '2026-11-29T09:00', to: '2026-11-29T10:00:30' },
      { from: '2026-11-29T09:00:00.000Z', to: '2026-11-29T10:00:30.000Z' },
    ],
    ['an ISO time with an offset', { from: '2026-11-29T11:00:00+02:00' }, { from: '2026-11-29T09:00:00.000Z' }],
    ['a repeated parameter (the first counts)', { code: ['a', 'b'] }, { code: 'a' }],
    ['a cursor', { cursor: 'abc' }, { cursor: 'abc' }],
  ])('%s', (_name, query, expected) => {
    const r = pageFilter(query);
    expect(r.error).toBeUndefined();
    expect(JSON.parse(JSON.stringify(r.filter))).toEqual(expected);
  });

  it.each([
    ['a malformed source id', { sourceId: 'not-a-uuid' }, '"sourceId" is not a source id'],
    ['a date that is not one', { from: 'yesterday' }, '"from" is not a date and time'],
    ['a long code', { code: 'x'.repeat(101) }, '"code" is longer than 100 characters'],
    ['a long cursor', { cursor: 'x'.repeat(201) }, '"cursor" is not a page cursor'],
  ])('refuses %s', (_name, query, error) => {
    const r = pageFilter(query);
    expect(r.filter).toBeUndefined();
    expect(r.error).toBe(error);
  });

  it('keeps the form values for redisplay', () => {
    expect(pageFilter({ sourceId: 'bad', code: 'c' }).form).toEqual({ sourceId: 'bad', code: 'c' });
  });
});
