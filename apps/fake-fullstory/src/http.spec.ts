import { capturedResponse, headerStrings, RESPONSE_BODY_LIMIT } from './http';

describe('capturedResponse', () => {
  it.each<[string, unknown, { body: string; truncated: boolean }]>([
    ['a string payload', '{"a":1}', { body: '{"a":1}', truncated: false }],
    ['a buffer payload', Buffer.from('{}'), { body: '{}', truncated: false }],
    ['no payload', null, { body: '', truncated: false }],
    ['exactly the limit', 'x'.repeat(RESPONSE_BODY_LIMIT), { body: 'x'.repeat(RESPONSE_BODY_LIMIT), truncated: false }],
    ['over the limit', 'y'.repeat(RESPONSE_BODY_LIMIT + 5), { body: 'y'.repeat(RESPONSE_BODY_LIMIT), truncated: true }],
  ])('%s', (_name, payload, expected) => {
    expect(capturedResponse({}, payload)).toEqual({ headers: {}, ...expected });
  });

  it('keeps header values as strings and leaves out unset ones', () => {
    const headers = { 'content-length': 2, 'retry-after': '3', vary: ['a', 'b'], gone: undefined };
    expect(headerStrings(capturedResponse(headers, '{}').headers)).toEqual({
      'content-length': '2',
      'retry-after': '3',
      vary: ['a', 'b'],
    });
  });
});
